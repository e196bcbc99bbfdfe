// A sliding-window rate limiter (survivor status look-ups; sign-in uses the token bucket in
// rate_limiter.h) in memory, keyed by client address: enough for one server process (behind a
// reverse proxy the proxy must pass the client's address, or every client shares one key).
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/time.h"

namespace aegis::services {

class WindowRateLimiter {
 public:
  // At most `max_events` per `key` within any `window` seconds.
  WindowRateLimiter(int max_events, UnixSeconds window) : max_(max_events), window_(window) {}
  WindowRateLimiter(const WindowRateLimiter&) = delete;
  WindowRateLimiter& operator=(const WindowRateLimiter&) = delete;

  // Counts one attempt by `key` at `now`. Returns false when the key is over its limit (the attempt
  // is then not counted) and sets `*retry_after` to the seconds until one more is allowed.
  bool Allow(const std::string& key, UnixSeconds now, UnixSeconds* retry_after);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<UnixSeconds>> hits_;
  int max_;
  UnixSeconds window_;
};

}  // namespace aegis::services
