// A token-bucket rate limiter keyed by a string (the client address for sign-in attempts). Memory
// only: a restart forgets it, which is acceptable because the per-account lockout is persistent.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/time.h"

namespace aegis::services {

class RateLimiter {
 public:
  // Allows bursts of `burst` and refills `per_minute` tokens a minute (both at least 1).
  RateLimiter(int per_minute, int burst);

  // Takes a token for `key` at time `now`: 0 when allowed, otherwise the whole number of seconds
  // (at least 1) until a token will be available; nothing is taken then.
  int Take(const std::string& key, UnixSeconds now);

 private:
  struct Bucket {
    long long units = 0;  // 60 units are one token
    UnixSeconds at = 0;
  };
  void Prune(UnixSeconds now);  // forgets full buckets so the map stays small
  const long long per_second_;  // units refilled a second (= tokens a minute)
  const long long capacity_;    // units in a full bucket
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
  UnixSeconds pruned_at_ = 0;
};

}  // namespace aegis::services
