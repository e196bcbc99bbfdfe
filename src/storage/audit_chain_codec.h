// The canonical byte encoding of an audit record for the tamper-evident hash chain. Storage uses it
// when it appends a record (hash = H(previous hash || encoding)); the verifier in services uses it
// to recompute the chain. Pure functions, no I/O and no cryptography: the hash itself is injected
// (StoreOptions::audit_hasher).
#pragma once

#include <string>
#include <string_view>

#include "storage/store.h"

namespace aegis::storage {

inline constexpr size_t kAuditHashBytes = 32;

// The "previous hash" of the first record (seq 1): 32 zero bytes.
std::string AuditGenesisHash();

// Length-prefixed, big-endian encoding of every field of `record` and its `seq`; two different
// records (or the same record at two positions) never share an encoding.
std::string EncodeAuditRecord(long long seq, const AuditRecord& record);

// What the chain hashes for record `seq`: `prev_hash` followed by the record's encoding.
std::string AuditChainInput(std::string_view prev_hash, long long seq, const AuditRecord& record);

}  // namespace aegis::storage
