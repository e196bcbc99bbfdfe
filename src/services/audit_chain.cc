#include "services/audit_chain.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "services/crypto.h"
#include "storage/audit_chain_codec.h"

namespace aegis::services {
namespace {

using storage::AuditCheckpoint;
using storage::AuditEntry;

constexpr std::string_view kCheckpointTag = "aegis-audit-checkpoint-v1";

void PutI64(std::string& out, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((u >> shift) & 0xff);
}

Status ReadExactly(const std::string& path, unsigned char* out, size_t n) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no audit key file " + path);
    return Status::Internal("cannot read audit key file " + path + ": " + std::strerror(errno));
  }
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, out + got, n - got);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  unsigned char extra;
  const bool longer = ::read(fd, &extra, 1) > 0;
  ::close(fd);
  if (got != n || longer)
    return Status::Internal("audit key file " + path + " is not " + std::to_string(n) + " bytes");
  return Status::Ok();
}

// Creates `path` with mode 0600 holding `n` bytes; fails if it already exists (never overwrites a
// key another process has just created).
Status CreateKeyFile(const std::string& path, const unsigned char* data, size_t n) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Internal("cannot create audit key file " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < n) {
    const ssize_t w = ::write(fd, data + done, n - done);
    if (w <= 0) break;
    done += static_cast<size_t>(w);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (done != n || !synced) {
    ::unlink(path.c_str());
    return Status::Internal("cannot write audit key file " + path);
  }
  return Status::Ok();
}

std::string Hash(const std::string& prev, long long seq, const storage::AuditRecord& r) {
  return AuditChainHash(storage::AuditChainInput(prev, seq, r));
}

std::string SeqText(long long seq) { return "seq " + std::to_string(seq); }

// "seq 5" or "seq 5 to 9".
std::string SeqRange(long long first, long long last) {
  return first == last ? SeqText(first) : SeqText(first) + " to " + std::to_string(last);
}

// Looks for the position a record with a wrong hash was written at: a record moved to another seq
// still hashes correctly with its original seq and the stored hash before that seq. One more pass
// over the chain, only when a mismatch was found.
StatusOr<std::optional<long long>> FindOriginalSeq(storage::Store& store, const AuditEntry& moved) {
  std::optional<long long> found;
  AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
    std::string prev = storage::AuditGenesisHash();
    return r.ScanAuditChain([&](const AuditEntry& e) -> Status {
      if (!found && e.seq != moved.seq) {
        const std::string h = Hash(prev, e.seq, moved.record);
        if (h == moved.hash || h == e.hash) found = e.seq;
      }
      prev = e.hash;
      return Status::Ok();
    });
  }));
  return found;
}

}  // namespace

std::string AuditChainHash(std::string_view data) {
  std::string out(storage::kAuditHashBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  return out;
}

StatusOr<std::unique_ptr<storage::Store>> OpenStore(const std::string& path,
                                                    storage::StoreOptions options) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  options.audit_hasher = AuditChainHash;
  return storage::OpenSqliteStore(path, options);
}

// ---- Signing key

AuditSigner AuditSigner::FromSeed(const std::array<unsigned char, 32>& seed) {
  AuditSigner s;
  s.public_key_.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(s.public_key_.data()),
                           s.secret_key_.data(), seed.data());
  return s;
}

StatusOr<AuditSigner> AuditSigner::OpenOrCreate(const std::string& key_file) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  std::array<unsigned char, 32> seed{};
  Status st = ReadExactly(key_file, seed.data(), seed.size());
  if (st.code() == StatusCode::kNotFound) {
    randombytes_buf(seed.data(), seed.size());
    st = CreateKeyFile(key_file, seed.data(), seed.size());
    // Another process may have created it first: use theirs.
    if (!st.ok()) st = ReadExactly(key_file, seed.data(), seed.size());
  }
  if (!st.ok()) {
    sodium_memzero(seed.data(), seed.size());
    return st;
  }
  AuditSigner s = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return s;
}

AuditSigner::AuditSigner(const AuditSigner& other)
    : public_key_(other.public_key_), secret_key_(other.secret_key_) {}

AuditSigner& AuditSigner::operator=(const AuditSigner& other) {
  public_key_ = other.public_key_;
  secret_key_ = other.secret_key_;
  return *this;
}

AuditSigner::~AuditSigner() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::string AuditSigner::Sign(std::string_view message) const {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_key_.data());
  return sig;
}

StatusOr<std::string> ReadAuditPublicKey(const std::string& key_file) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  std::array<unsigned char, 32> seed{};
  AEGIS_RETURN_IF_ERROR(ReadExactly(key_file, seed.data(), seed.size()));
  std::string pk = AuditSigner::FromSeed(seed).public_key();
  sodium_memzero(seed.data(), seed.size());
  return pk;
}

std::string DefaultAuditKeyFile(const std::string& db_path) { return db_path + ".audit.key"; }

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

StatusOr<std::string> FromHex(std::string_view hex, const std::string& field) {
  if (hex.size() % 2 != 0) return Status::InvalidArgument(field, "must be hexadecimal");
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument(field, "must be hexadecimal");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// ---- Checkpoints

std::string CheckpointMessage(long long seq, std::string_view hash, UnixSeconds at) {
  std::string m(kCheckpointTag);
  PutI64(m, seq);
  m.append(hash);
  PutI64(m, at);
  return m;
}

bool CheckpointSignatureValid(const AuditCheckpoint& c) {
  if (c.public_key.size() != crypto_sign_PUBLICKEYBYTES || c.signature.size() != crypto_sign_BYTES)
    return false;
  const std::string m = CheckpointMessage(c.seq, c.hash, c.at);
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(c.signature.data()),
                                     reinterpret_cast<const unsigned char*>(m.data()), m.size(),
                                     reinterpret_cast<const unsigned char*>(c.public_key.data())) ==
         0;
}

StatusOr<std::optional<AuditCheckpoint>> SealAuditChain(storage::Store& store,
                                                        const AuditSigner& signer,
                                                        UnixSeconds now) {
  std::optional<AuditCheckpoint> written;
  AEGIS_RETURN_IF_ERROR(store.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(storage::AuditHead head, r.GetAuditHead());
    if (head.seq == 0) return Status::Ok();
    AEGIS_ASSIGN_OR_RETURN(auto last, r.LastAuditCheckpoint());
    if (last && last->seq == head.seq && last->hash == head.hash &&
        last->public_key == signer.public_key())
      return Status::Ok();
    AuditCheckpoint c;
    c.seq = head.seq;
    c.hash = head.hash;
    c.at = now;
    c.public_key = signer.public_key();
    c.signature = signer.Sign(CheckpointMessage(c.seq, c.hash, c.at));
    AEGIS_ASSIGN_OR_RETURN(c.id, r.InsertAuditCheckpoint(c));
    written = c;
    return Status::Ok();
  }));
  return written;
}

// ---- Verification

std::string_view ToString(AuditProblem p) {
  switch (p) {
    case AuditProblem::kNone:
      return "none";
    case AuditProblem::kMalformedRecord:
      return "malformed_record";
    case AuditProblem::kMissingHash:
      return "missing_hash";
    case AuditProblem::kChangedRecord:
      return "changed_record";
    case AuditProblem::kReorderedRecord:
      return "reordered_record";
    case AuditProblem::kDeletedRecords:
      return "deleted_records";
    case AuditProblem::kUnexpectedSeq:
      return "unexpected_seq";
    case AuditProblem::kMalformedCheckpoint:
      return "malformed_checkpoint";
    case AuditProblem::kForgedCheckpoint:
      return "forged_checkpoint";
    case AuditProblem::kUntrustedCheckpoint:
      return "untrusted_checkpoint";
    case AuditProblem::kNoTrustedKey:
      return "no_trusted_key";
    case AuditProblem::kCheckpointMismatch:
      return "checkpoint_mismatch";
    case AuditProblem::kTruncated:
      return "truncated";
    case AuditProblem::kHeadMismatch:
      return "head_mismatch";
  }
  return "unknown";
}

StatusOr<AuditVerifyReport> VerifyAuditChain(storage::Store& store,
                                             const AuditVerifyOptions& options) {
  AEGIS_RETURN_IF_ERROR(InitCrypto());
  AuditVerifyReport report;
  // A problem found later in the walk replaces an earlier-found one only if it sits at a lower seq,
  // so the report always names the first problem in chain order.
  auto fail = [&](AuditProblem p, long long seq, std::string message) {
    if (report.ok() || seq < report.seq) {
      report.problem = p;
      report.seq = seq;
      report.message = std::move(message);
    }
  };
  // Valid checkpoints in ascending seq, kept compact: a long-lived log has millions of them.
  struct Seal {
    long long seq;
    domain::Id id;
    std::array<char, storage::kAuditHashBytes> hash;
  };
  std::vector<Seal> seals;
  std::optional<AuditEntry> mismatched;

  AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
    // 1. Every checkpoint must be well-formed, validly signed and signed by a trusted key.
    AEGIS_RETURN_IF_ERROR(r.ScanAuditCheckpoints([&](const AuditCheckpoint& c) -> Status {
      ++report.checkpoints;
      const std::string where = "checkpoint #" + std::to_string(c.id) + " at " + SeqText(c.seq);
      if (!c.malformed.empty() || c.seq < 1 || c.hash.size() != storage::kAuditHashBytes) {
        fail(AuditProblem::kMalformedCheckpoint, c.seq,
             where + ": malformed (" + (c.malformed.empty() ? "seq or hash" : c.malformed) + ")");
        return Status::Ok();
      }
      if (!CheckpointSignatureValid(c)) {
        fail(AuditProblem::kForgedCheckpoint, c.seq,
             where + ": the signature does not verify (forged or altered checkpoint)");
        return Status::Ok();
      }
      if (options.trusted_public_keys.empty()) {
        fail(AuditProblem::kNoTrustedKey, c.seq,
             where +
                 ": no trusted public key to check it against (give the audit key file or "
                 "--public-key)");
        return Status::Ok();
      }
      const auto& keys = options.trusted_public_keys;
      if (std::find(keys.begin(), keys.end(), c.public_key) == keys.end()) {
        fail(AuditProblem::kUntrustedCheckpoint, c.seq,
             where + ": signed by an unknown key " + ToHex(c.public_key) + " (forged checkpoint)");
        return Status::Ok();
      }
      Seal seal{c.seq, c.id, {}};
      std::copy(c.hash.begin(), c.hash.end(), seal.hash.begin());
      seals.push_back(seal);
      report.last_checkpoint = c;
      return Status::Ok();
    }));

    // 2. Recompute the chain from seq 1, comparing every record's hash and every sealed head.
    std::string prev = storage::AuditGenesisHash();
    long long expected = 1;
    size_t next_seal = 0;
    bool stopped = false;
    AEGIS_RETURN_IF_ERROR(r.ScanAuditChain([&](const AuditEntry& e) -> Status {
      if (stopped) return Status::Ok();
      auto stop = [&](AuditProblem p, long long seq, std::string message) {
        fail(p, seq, std::move(message));
        stopped = true;
        return Status::Ok();
      };
      if (e.seq < expected) {
        return stop(
            AuditProblem::kUnexpectedSeq, e.seq,
            "record at " + SeqText(e.seq) + ": the chain starts at seq 1 (inserted record)");
      }
      if (e.seq > expected) {
        return stop(AuditProblem::kDeletedRecords, expected,
                    "records missing: " + SeqRange(expected, e.seq - 1) +
                        " (deleted, or their seq was changed)");
      }
      if (!e.malformed.empty()) {
        return stop(AuditProblem::kMalformedRecord, e.seq,
                    SeqText(e.seq) + ": the " + e.malformed +
                        " column holds a value of the wrong "
                        "type (record changed)");
      }
      if (e.hash.empty()) {
        return stop(AuditProblem::kMissingHash, e.seq,
                    SeqText(e.seq) + ": the record has no chain hash (inserted or changed)");
      }
      const std::string computed = Hash(prev, e.seq, e.record);
      if (computed != e.hash) {
        mismatched = e;
        return stop(AuditProblem::kChangedRecord, e.seq,
                    SeqText(e.seq) +
                        ": hash mismatch (the record was changed, inserted or "
                        "replaced)");
      }
      if (options.expected_head && options.expected_head->seq == e.seq &&
          options.expected_head->hash != computed) {
        return stop(AuditProblem::kHeadMismatch, e.seq,
                    SeqText(e.seq) +
                        ": the chain differs from the expected head recorded earlier "
                        "(records up to here were changed and the chain recomputed)");
      }
      ++report.records;
      report.head_seq = e.seq;
      report.head_hash = e.hash;
      for (; next_seal < seals.size() && seals[next_seal].seq <= e.seq; ++next_seal) {
        const Seal& s = seals[next_seal];
        if (s.seq == e.seq && std::string_view(s.hash.data(), s.hash.size()) != computed) {
          return stop(AuditProblem::kCheckpointMismatch, e.seq,
                      SeqText(e.seq) + ": the chain differs from what checkpoint #" +
                          std::to_string(s.id) +
                          " sealed (records up to here were changed, inserted, deleted or "
                          "reordered and the chain recomputed)");
        }
      }
      prev = computed;
      ++expected;
      return Status::Ok();
    }));

    // 3. A checkpoint or expected head beyond the end of the chain: the chain was cut short.
    if (!stopped && options.expected_head && options.expected_head->seq > report.head_seq) {
      fail(AuditProblem::kTruncated, report.head_seq + 1,
           "the chain ends at " + SeqText(report.head_seq) + " but the expected head is at " +
               SeqText(options.expected_head->seq) + ": " +
               SeqRange(report.head_seq + 1, options.expected_head->seq) + " removed (truncation)");
    }
    if (!stopped && next_seal < seals.size()) {
      const Seal& s = seals.back();
      fail(AuditProblem::kTruncated, report.head_seq + 1,
           "the chain ends at " + SeqText(report.head_seq) + " but checkpoint #" +
               std::to_string(s.id) + " sealed " + SeqText(s.seq) + ": " +
               SeqRange(report.head_seq + 1, s.seq) + " removed (truncation)");
    }
    return Status::Ok();
  }));

  if (mismatched && report.problem == AuditProblem::kChangedRecord &&
      report.seq == mismatched->seq) {
    AEGIS_ASSIGN_OR_RETURN(auto original, FindOriginalSeq(store, *mismatched));
    if (original) {
      report.problem = AuditProblem::kReorderedRecord;
      report.message = SeqText(mismatched->seq) + ": holds the record written as " +
                       SeqText(*original) + " (records reordered)";
    }
  }
  return report;
}

}  // namespace aegis::services
