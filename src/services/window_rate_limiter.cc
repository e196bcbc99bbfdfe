#include "services/window_rate_limiter.h"

#include <algorithm>

namespace aegis::services {

bool WindowRateLimiter::Allow(const std::string& key, UnixSeconds now, UnixSeconds* retry_after) {
  std::lock_guard lock(mu_);
  // Memory stays bounded: when many addresses have been seen, forget those that are quiet.
  if (hits_.size() > 10000) {
    for (auto it = hits_.begin(); it != hits_.end();) {
      if (it->second.empty() || it->second.back() <= now - window_)
        it = hits_.erase(it);
      else
        ++it;
    }
  }
  std::deque<UnixSeconds>& q = hits_[key];
  while (!q.empty() && q.front() <= now - window_) q.pop_front();
  if (static_cast<int>(q.size()) >= max_) {
    if (retry_after) *retry_after = std::max<UnixSeconds>(1, q.front() + window_ - now);
    return false;
  }
  q.push_back(now);
  if (retry_after) *retry_after = 0;
  return true;
}

}  // namespace aegis::services
