// Test-only helpers for opening a store without the services layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace aegis::storage {

// A stand-in for the audit chain's hash (services inject BLAKE2b): 32 bytes that depend on every
// input byte, so the storage tests check how the store chains records, not the hash function.
inline std::string TestHash(std::string_view data) {
  std::string out;
  for (std::uint64_t lane = 0; lane < 4; ++lane) {
    std::uint64_t h = 1469598103934665603ULL ^ (lane * 0x9e3779b97f4a7c15ULL);
    for (unsigned char c : data) h = (h ^ c) * 1099511628211ULL;
    for (int i = 0; i < 8; ++i) out += static_cast<char>((h >> (8 * i)) & 0xff);
  }
  return out;
}

inline StoreOptions TestOptions() {
  StoreOptions o;
  o.audit_hasher = TestHash;
  return o;
}

}  // namespace aegis::storage
