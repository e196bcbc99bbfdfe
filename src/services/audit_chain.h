// The tamper-evident audit trail: every audit record is chained by hash (BLAKE2b-256 over the
// previous hash and the record's canonical encoding, computed by storage inside the transaction
// that appends the record), and the chain head is sealed from time to time by an Ed25519-signed
// checkpoint. VerifyAuditChain recomputes the chain and checks every checkpoint; it reports the
// first changed, deleted, inserted or reordered record, forged checkpoint or truncation, and where.
//
// Why the hash is injected into storage rather than computed here: the seq of a record, which the
// hash covers, is assigned inside the write transaction, and audit records are appended from many
// transactions (every write service) and by the batching Auditor. Storage therefore computes the
// chain at its single append point, with the hash function services give it (OpenStore), and needs
// no cryptography library itself.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace aegis::services {

// BLAKE2b-256 of `data` (libsodium crypto_generichash, no key): the audit chain's hash function.
std::string AuditChainHash(std::string_view data);

// Opens (creating if needed) the SQLite store with the audit chain's hash function. Every program
// and test opens the store through this.
StatusOr<std::unique_ptr<storage::Store>> OpenStore(const std::string& path,
                                                    storage::StoreOptions options = {});

// The Ed25519 key pair that signs audit checkpoints. The key file holds the 32-byte seed.
class AuditSigner {
 public:
  // Loads `key_file`, creating it (mode 0600, never overwriting) when it does not exist.
  static StatusOr<AuditSigner> OpenOrCreate(const std::string& key_file);
  // A signer with a given seed (tests).
  static AuditSigner FromSeed(const std::array<unsigned char, 32>& seed);

  AuditSigner(const AuditSigner& other);
  AuditSigner& operator=(const AuditSigner& other);
  ~AuditSigner();

  // The 32-byte public key, stored with each checkpoint and given to operators.
  const std::string& public_key() const { return public_key_; }
  // The 64-byte detached signature of `message`.
  std::string Sign(std::string_view message) const;

 private:
  AuditSigner() = default;
  std::string public_key_;
  std::array<unsigned char, 64> secret_key_{};
};

// The public key of the signing key in `key_file`, without creating the file (NotFound if absent).
StatusOr<std::string> ReadAuditPublicKey(const std::string& key_file);

// The audit key file kept beside a database: "<db>.audit.key".
std::string DefaultAuditKeyFile(const std::string& db_path);

// Lower-case hex, and back (InvalidArgument naming `field` on bad input).
std::string ToHex(std::string_view bytes);
StatusOr<std::string> FromHex(std::string_view hex, const std::string& field);

// What a checkpoint signs: a version tag, seq (8 bytes big-endian), hash (32), at (8 big-endian).
std::string CheckpointMessage(long long seq, std::string_view hash, UnixSeconds at);

// True when the checkpoint's signature is valid under the public key stored with it.
bool CheckpointSignatureValid(const storage::AuditCheckpoint& checkpoint);

// Seals the chain head with a signed checkpoint, unless the log is empty or the head is already
// sealed. Returns the checkpoint written, if any.
StatusOr<std::optional<storage::AuditCheckpoint>> SealAuditChain(storage::Store& store,
                                                                 const AuditSigner& signer,
                                                                 UnixSeconds now);

enum class AuditProblem {
  kNone,
  kMalformedRecord,  // a column holds a value of the wrong type
  kMissingHash,      // a record without its chain hash
  kChangedRecord,    // the record's hash does not match its content
  kReorderedRecord,  // the record at this seq was written at another seq
  kDeletedRecords,   // a gap in seq
  kUnexpectedSeq,    // a seq below the chain's start (1)
  kMalformedCheckpoint,
  kForgedCheckpoint,     // the signature does not verify
  kUntrustedCheckpoint,  // signed by a key that is not a trusted key
  kNoTrustedKey,         // checkpoints exist but no trusted public key was given
  kCheckpointMismatch,   // the chain at the checkpoint's seq differs from what it sealed
  kTruncated,            // the chain ends before the last checkpoint's seq or the expected head
  kHeadMismatch,         // the chain differs at the expected head's seq
};

// Stable name, e.g. "changed_record".
std::string_view ToString(AuditProblem problem);

struct AuditVerifyOptions {
  // Public keys (32 bytes each) whose checkpoints are accepted. Must not be empty when there are
  // checkpoints: a checkpoint signed by an attacker's own key proves nothing.
  std::vector<std::string> trusted_public_keys;
  // A chain head recorded earlier and kept elsewhere (e.g. from a previous verify): the chain must
  // still hold this seq with this hash. Catches the removal of the newest records together with
  // the checkpoints that sealed them, which nothing inside the database can reveal.
  std::optional<storage::AuditHead> expected_head;
};

struct AuditVerifyReport {
  AuditProblem problem = AuditProblem::kNone;
  long long seq = 0;       // where the first problem is (the record's seq, or the checkpoint's)
  std::string message;     // what is wrong, in words, with the seq
  long long records = 0;   // records checked (up to the first problem)
  long long head_seq = 0;  // last record's seq
  std::string head_hash;
  long long checkpoints = 0;  // checkpoints checked
  std::optional<storage::AuditCheckpoint> last_checkpoint;
  bool ok() const { return problem == AuditProblem::kNone; }
};

// Recomputes the audit chain of `store` (one read snapshot) and checks every checkpoint.
StatusOr<AuditVerifyReport> VerifyAuditChain(storage::Store& store,
                                             const AuditVerifyOptions& options);

}  // namespace aegis::services
