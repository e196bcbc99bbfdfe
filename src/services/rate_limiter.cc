#include "services/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace aegis::services {
namespace {
constexpr size_t kPruneAbove = 10000;  // keys kept before full buckets are forgotten
}  // namespace

RateLimiter::RateLimiter(int per_minute, int burst)
    : per_second_(std::max(1, per_minute) / 60.0), burst_(std::max(1, burst)) {}

int RateLimiter::Take(const std::string& key, UnixSeconds now) {
  std::lock_guard lock(mu_);
  // Pruning costs a pass over the map, so it runs at most once a minute.
  if (buckets_.size() > kPruneAbove && now - pruned_at_ >= 60) Prune(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.at) {
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(now - b.at) * per_second_);
    b.at = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  // The epsilon keeps rounding noise (5/6 of a token is 0.8333...) from adding a second.
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_second_ - 1e-9)));
}

void RateLimiter::Prune(UnixSeconds now) {
  pruned_at_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double tokens = it->second.tokens + static_cast<double>(now - it->second.at) * per_second_;
    if (tokens >= burst_) it = buckets_.erase(it);
    else ++it;
  }
}

}  // namespace aegis::services
