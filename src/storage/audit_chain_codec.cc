#include "storage/audit_chain_codec.h"

#include <cstdint>

namespace aegis::storage {
namespace {

// A version tag first, so a future encoding can never be confused with this one.
constexpr std::string_view kTag = "aegis-audit-v1";

void PutU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void PutI64(std::string& out, std::int64_t v) { PutU64(out, static_cast<std::uint64_t>(v)); }

void PutOptI64(std::string& out, const std::optional<std::int64_t>& v) {
  out += v ? '\x01' : '\x00';
  if (v) PutI64(out, *v);
}

void PutText(std::string& out, std::string_view text) {
  PutU64(out, text.size());
  out.append(text);
}

}  // namespace

std::string AuditGenesisHash() { return std::string(kAuditHashBytes, '\0'); }

std::string EncodeAuditRecord(long long seq, const AuditRecord& r) {
  std::string out;
  out.reserve(kTag.size() + 64 + r.action.size() + r.object_type.size() + r.detail.size() +
              r.remote.size() + r.purpose.size() + 5 * 8);
  PutText(out, kTag);
  PutI64(out, seq);
  PutI64(out, r.at);
  PutOptI64(out, r.user_id);
  PutText(out, r.action);
  PutText(out, r.object_type);
  PutOptI64(out, r.object_id);
  out += r.allowed ? '\x01' : '\x00';
  PutText(out, r.detail);
  PutText(out, r.remote);
  PutText(out, r.purpose);
  return out;
}

std::string AuditChainInput(std::string_view prev_hash, long long seq, const AuditRecord& record) {
  std::string out(prev_hash);
  out += EncodeAuditRecord(seq, record);
  return out;
}

}  // namespace aegis::storage
