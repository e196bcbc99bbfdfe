#include "services/rate_limiter.h"

#include <algorithm>

namespace aegis::services {
namespace {
constexpr size_t kPruneAbove = 10000;  // keys kept before full buckets are forgotten
// A token is 60 units and a second refills `per_minute` units: all integer arithmetic, so no
// rounding ever turns 6 seconds into 7.
constexpr long long kUnitsPerToken = 60;
}  // namespace

RateLimiter::RateLimiter(int per_minute, int burst)
    : per_second_(std::max(1, per_minute)), capacity_(std::max(1, burst) * kUnitsPerToken) {}

int RateLimiter::Take(const std::string& key, UnixSeconds now) {
  std::lock_guard lock(mu_);
  // Pruning costs a pass over the map, so it runs at most once a minute.
  if (buckets_.size() > kPruneAbove && now - pruned_at_ >= 60) Prune(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.at) {
    b.units = std::min(capacity_, b.units + (now - b.at) * per_second_);
    b.at = now;
  }
  if (b.units >= kUnitsPerToken) {
    b.units -= kUnitsPerToken;
    return 0;
  }
  const long long missing = kUnitsPerToken - b.units;
  return static_cast<int>(std::max<long long>(1, (missing + per_second_ - 1) / per_second_));
}

void RateLimiter::Prune(UnixSeconds now) {
  pruned_at_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (it->second.units + (now - it->second.at) * per_second_ >= capacity_)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

}  // namespace aegis::services
