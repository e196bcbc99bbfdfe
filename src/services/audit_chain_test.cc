// Tests of the tamper-evident audit chain: hashing, signing, sealing and the verifier. Tampering is
// done the way an attacker with the database file would: a plain SQLite connection that drops the
// append-only triggers first.
#include "services/audit_chain.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "services/audit.h"
#include "services/testing_fixture.h"
#include "storage/audit_chain_codec.h"
#include "storage/internal/sqlite_schema.h"

namespace aegis::services {
namespace {

using storage::AuditEntry;
using storage::AuditRecord;
using testing::TempDir;
using testing::TestSigner;

// ---- A raw connection to the database file, as an attacker would open it.

struct Value {
  int type = SQLITE_NULL;
  std::int64_t i = 0;
  std::string bytes;  // text or blob
};

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
    // The attacker's edits need not survive a power cut; the test runs thousands of them.
    Exec("PRAGMA synchronous=OFF;");
    Exec(
        "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete; "
        "DROP TRIGGER IF EXISTS audit_needs_hash; "
        "DROP TRIGGER IF EXISTS audit_checkpoints_no_update; "
        "DROP TRIGGER IF EXISTS audit_checkpoints_no_delete;");
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }

  // The value of `column` in the row of `table` whose `key` column is `key_value`.
  Value Get(const std::string& table, const std::string& column, const std::string& key,
            std::int64_t key_value) {
    sqlite3_stmt* s = Prepare("SELECT " + column + " FROM " + table + " WHERE " + key + " = ?");
    sqlite3_bind_int64(s, 1, key_value);
    Value v;
    if (sqlite3_step(s) == SQLITE_ROW) {
      v.type = sqlite3_column_type(s, 0);
      v.i = sqlite3_column_int64(s, 0);
      if (v.type == SQLITE_TEXT || v.type == SQLITE_BLOB) {
        const void* p = v.type == SQLITE_TEXT ? static_cast<const void*>(sqlite3_column_text(s, 0))
                                              : sqlite3_column_blob(s, 0);
        v.bytes.assign(static_cast<const char*>(p),
                       static_cast<size_t>(sqlite3_column_bytes(s, 0)));
      }
    } else {
      ADD_FAILURE() << "no row " << table << "." << key << " = " << key_value;
    }
    sqlite3_finalize(s);
    return v;
  }

  void Set(const std::string& table, const std::string& column, const std::string& key,
           std::int64_t key_value, const Value& v) {
    sqlite3_stmt* s = Prepare("UPDATE " + table + " SET " + column + " = ? WHERE " + key + " = ?");
    switch (v.type) {
      case SQLITE_INTEGER:
        sqlite3_bind_int64(s, 1, v.i);
        break;
      case SQLITE_TEXT:
        sqlite3_bind_text(s, 1, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT);
        break;
      case SQLITE_BLOB:
        sqlite3_bind_blob(s, 1, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT);
        break;
      default:
        sqlite3_bind_null(s, 1);
    }
    sqlite3_bind_int64(s, 2, key_value);
    EXPECT_EQ(sqlite3_step(s), SQLITE_DONE) << sqlite3_errmsg(db_);
    EXPECT_EQ(sqlite3_changes(db_), 1) << table << "." << column;
    sqlite3_finalize(s);
  }

  // Writes a whole audit row (an attacker's insertion or rewrite).
  void PutAuditRow(long long seq, const AuditRecord& r, const std::string& hash) {
    sqlite3_stmt* s = Prepare(
        "INSERT OR REPLACE INTO audit_log(seq, at, user_id, action, object_type, object_id, "
        "allowed, detail, remote, purpose, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_int64(s, 2, r.at);
    if (r.user_id)
      sqlite3_bind_int64(s, 3, *r.user_id);
    else
      sqlite3_bind_null(s, 3);
    sqlite3_bind_text(s, 4, r.action.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, r.object_type.c_str(), -1, SQLITE_TRANSIENT);
    if (r.object_id)
      sqlite3_bind_int64(s, 6, *r.object_id);
    else
      sqlite3_bind_null(s, 6);
    sqlite3_bind_int64(s, 7, r.allowed ? 1 : 0);
    sqlite3_bind_text(s, 8, r.detail.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 9, r.remote.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10, r.purpose.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 11, hash.data(), static_cast<int>(hash.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(s), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(s);
  }

 private:
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    return s;
  }
  sqlite3* db_ = nullptr;
};

// ---- A small chain: 20 records of every shape, sealed at seq 10 and seq 20.

constexpr int kRecords = 20;

AuditRecord TestRecord(int i) {
  AuditRecord r;
  r.at = 1772445600 + i * 37;
  if (i % 5 != 0) r.user_id = 100 + i;  // every fifth is a system record without a user
  r.action = i % 3 == 0 ? "identity.reveal" : "case.read";
  r.object_type = i % 4 == 0 ? "person" : "case";
  if (i % 7 != 0) r.object_id = 1000 + i;
  r.allowed = i % 6 != 0;
  r.detail = "{\"n\":" + std::to_string(i) + ",\"note\":\"第" + std::to_string(i) + "条\"}";
  r.remote = "10.0.0." + std::to_string(i);
  if (i % 2 == 1) r.purpose = "调查 investigation " + std::to_string(i);
  return r;
}

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    path_ = (dir_.path() / "audit.db").string();
    auto opened = OpenStore(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  // Appends records `from`..`to` in transactions of varying size.
  void Append(int from, int to) {
    int i = from;
    int batch = 1;
    while (i <= to) {
      std::vector<AuditRecord> records;
      for (int k = 0; k < batch && i <= to; ++k) records.push_back(TestRecord(i++));
      ASSERT_TRUE(store_->Write([&](storage::Repo& r) { return r.AppendAudit(records); }).ok());
      batch = batch % 4 + 1;
    }
  }

  void BuildSealedChain() {
    Append(1, 10);
    ASSERT_TRUE(SealAuditChain(*store_, signer_, 1772446000).ok());
    Append(11, kRecords);
    auto sealed = SealAuditChain(*store_, signer_, 1772447000);
    ASSERT_TRUE(sealed.ok());
    ASSERT_TRUE(sealed->has_value());
    ASSERT_EQ((*sealed)->seq, kRecords);
  }

  AuditVerifyReport Verify(AuditVerifyOptions options = {}) {
    if (options.trusted_public_keys.empty()) options.trusted_public_keys = {signer_.public_key()};
    auto report = VerifyAuditChain(*store_, options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : AuditVerifyReport{};
  }

  std::vector<AuditEntry> Chain() {
    std::vector<AuditEntry> out;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Repo& r) {
                      return r.ScanAuditChain([&](const AuditEntry& e) {
                        out.push_back(e);
                        return Status::Ok();
                      });
                    })
                    .ok());
    return out;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<storage::Store> store_;
  AuditSigner signer_ = TestSigner();
};

TEST(AuditChainHash, IsBlake2b256) {
  ASSERT_TRUE(InitCrypto().ok());
  // RFC 7693 / reference test vector: BLAKE2b-256 of the empty string.
  EXPECT_EQ(ToHex(AuditChainHash("")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(AuditChainHash("abc").size(), 32u);
  EXPECT_NE(AuditChainHash("abc"), AuditChainHash("abd"));
}

TEST(AuditHex, RoundTripsAndRejectsBadInput) {
  const std::string bytes("\x00\x01\xab\xff", 4);
  EXPECT_EQ(ToHex(bytes), "0001abff");
  auto back = FromHex("0001ABff", "--public-key");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, bytes);
  EXPECT_EQ(FromHex("abc", "k").status().field(), "k");
  EXPECT_EQ(FromHex("zz", "k").status().code(), StatusCode::kInvalidArgument);
}

TEST(AuditSignerFile, IsCreatedOnceWithMode0600AndReadBackWithoutCreating) {
  TempDir dir;
  const std::string file = (dir.path() / "x.db.audit.key").string();
  EXPECT_EQ(ReadAuditPublicKey(file).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(file));  // reading never creates it
  auto first = AuditSigner::OpenOrCreate(file);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(st.st_size, 32);
  auto again = AuditSigner::OpenOrCreate(file);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), first->public_key());
  auto pk = ReadAuditPublicKey(file);
  ASSERT_TRUE(pk.ok());
  EXPECT_EQ(*pk, first->public_key());
  EXPECT_EQ(DefaultAuditKeyFile("data/aegis.db"), "data/aegis.db.audit.key");

  // A key file of the wrong size is refused, not silently replaced.
  const std::string bad = (dir.path() / "bad.key").string();
  { std::ofstream(bad) << "short"; }
  EXPECT_EQ(AuditSigner::OpenOrCreate(bad).status().code(), StatusCode::kInternal);
}

TEST(AuditCheckpointSignature, CoversSeqHashAndTime) {
  ASSERT_TRUE(InitCrypto().ok());
  const AuditSigner signer = TestSigner();
  storage::AuditCheckpoint c;
  c.seq = 42;
  c.hash = AuditChainHash("head");
  c.at = 1772445600;
  c.public_key = signer.public_key();
  c.signature = signer.Sign(CheckpointMessage(c.seq, c.hash, c.at));
  EXPECT_TRUE(CheckpointSignatureValid(c));
  auto changed = c;
  changed.seq = 43;
  EXPECT_FALSE(CheckpointSignatureValid(changed));
  changed = c;
  changed.at += 1;
  EXPECT_FALSE(CheckpointSignatureValid(changed));
  changed = c;
  changed.hash[0] ^= 1;
  EXPECT_FALSE(CheckpointSignatureValid(changed));
  changed = c;
  changed.public_key = TestSigner(1).public_key();
  EXPECT_FALSE(CheckpointSignatureValid(changed));
  changed = c;
  changed.signature.pop_back();
  EXPECT_FALSE(CheckpointSignatureValid(changed));
}

TEST_F(AuditChainTest, IntactChainVerifiesWithCounts) {
  BuildSealedChain();
  const auto report = Verify();
  EXPECT_TRUE(report.ok()) << report.message;
  EXPECT_EQ(report.records, kRecords);
  EXPECT_EQ(report.head_seq, kRecords);
  EXPECT_EQ(report.checkpoints, 2);
  ASSERT_TRUE(report.last_checkpoint.has_value());
  EXPECT_EQ(report.last_checkpoint->seq, kRecords);
  EXPECT_EQ(report.head_hash, Chain().back().hash);
  // The hashes really are BLAKE2b over the previous hash and the record.
  std::string prev = storage::AuditGenesisHash();
  for (const auto& e : Chain()) {
    EXPECT_EQ(e.hash, AuditChainHash(prev + storage::EncodeAuditRecord(e.seq, e.record)));
    prev = e.hash;
  }
}

TEST_F(AuditChainTest, EmptyLogVerifiesAndIsNotSealed) {
  const auto report = Verify();
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.records, 0);
  auto sealed = SealAuditChain(*store_, signer_, 1);
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(sealed->has_value());
}

TEST_F(AuditChainTest, SealingTwiceWithoutNewRecordsWritesOneCheckpoint) {
  Append(1, 3);
  auto a = SealAuditChain(*store_, signer_, 10);
  auto b = SealAuditChain(*store_, signer_, 20);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->has_value());
  EXPECT_FALSE(b->has_value());
  EXPECT_EQ(Verify().checkpoints, 1);
}

// Flips every byte of every field of every record, one at a time, and checks that the verifier
// catches each change and names the record's seq. Text fields also get a byte added and removed;
// nullable numbers are also set to NULL (or from NULL to a value).
TEST_F(AuditChainTest, EverySingleByteChangeOfEveryRecordIsCaughtAtItsSeq) {
  BuildSealedChain();
  ASSERT_TRUE(Verify().ok());
  RawDb raw(path_);
  struct Field {
    const char* name;
    bool nullable;
  };
  const Field fields[] = {{"seq", false},     {"at", false},          {"user_id", true},
                          {"action", false},  {"object_type", false}, {"object_id", true},
                          {"allowed", false}, {"detail", false},      {"remote", false},
                          {"purpose", false}, {"hash", false}};
  long long mutations = 0;
  for (long long seq = 1; seq <= kRecords; ++seq) {
    for (const Field& f : fields) {
      const std::string column = f.name;
      const Value orig = raw.Get("audit_log", column, "seq", seq);
      std::vector<Value> changes;
      if (orig.type == SQLITE_INTEGER) {
        // seq is the key: flipping a high bit of each byte keeps it positive and unused.
        const std::int64_t bit = column == "seq" ? 0x40 : 0x01;
        for (int k = 0; k < 8; ++k)
          changes.push_back({SQLITE_INTEGER, orig.i ^ (bit << (8 * k)), {}});
        if (f.nullable) changes.push_back({SQLITE_NULL, 0, {}});
      } else if (orig.type == SQLITE_TEXT || orig.type == SQLITE_BLOB) {
        for (size_t k = 0; k < orig.bytes.size(); ++k) {
          Value v = orig;
          v.bytes[k] = static_cast<char>(v.bytes[k] ^ 0x01);
          changes.push_back(v);
        }
        Value longer = orig;
        longer.bytes += 'x';
        changes.push_back(longer);
        if (!orig.bytes.empty()) {
          Value shorter = orig;
          shorter.bytes.pop_back();
          changes.push_back(shorter);
        }
      } else {
        ASSERT_TRUE(f.nullable) << column << " is NULL at seq " << seq;
        changes.push_back({SQLITE_INTEGER, 7, {}});
      }
      for (const Value& changed : changes) {
        raw.Set("audit_log", column, "seq", seq, changed);
        // After changing the seq itself, the row is found under its new seq.
        const std::int64_t key = column == "seq" ? changed.i : seq;
        const auto report = Verify();
        EXPECT_FALSE(report.ok()) << column << " of seq " << seq << " changed unnoticed";
        EXPECT_EQ(report.seq, seq) << column << " of seq " << seq << ": " << report.message;
        EXPECT_NE(report.message.find("seq " + std::to_string(seq)), std::string::npos)
            << report.message;
        raw.Set("audit_log", column, "seq", key, orig);
        ++mutations;
      }
    }
  }
  ASSERT_TRUE(Verify().ok()) << "every change was undone";
  // 20 records x (8-byte integers, texts, 32-byte hashes): make sure the loops really ran.
  EXPECT_GT(mutations, kRecords * (6 * 8 + 32 + 20));
}

TEST_F(AuditChainTest, EverySingleByteChangeOfACheckpointIsCaught) {
  BuildSealedChain();
  RawDb raw(path_);
  long long mutations = 0;
  for (std::int64_t id : {1, 2}) {
    for (const char* column : {"seq", "hash", "at", "public_key", "signature"}) {
      const Value orig = raw.Get("audit_checkpoints", column, "id", id);
      std::vector<Value> changes;
      if (orig.type == SQLITE_INTEGER) {
        for (int k = 0; k < 8; ++k)
          changes.push_back({SQLITE_INTEGER, orig.i ^ (std::int64_t{1} << (8 * k)), {}});
      } else {
        for (size_t k = 0; k < orig.bytes.size(); ++k) {
          Value v = orig;
          v.bytes[k] = static_cast<char>(v.bytes[k] ^ 0x01);
          changes.push_back(v);
        }
      }
      for (const Value& changed : changes) {
        raw.Set("audit_checkpoints", column, "id", id, changed);
        const auto report = Verify();
        EXPECT_FALSE(report.ok()) << "checkpoint " << id << " " << column;
        EXPECT_TRUE(report.problem == AuditProblem::kForgedCheckpoint ||
                    report.problem == AuditProblem::kMalformedCheckpoint)
            << ToString(report.problem) << ": " << report.message;
        EXPECT_NE(report.message.find("checkpoint #" + std::to_string(id)), std::string::npos)
            << report.message;
        raw.Set("audit_checkpoints", column, "id", id, orig);
        ++mutations;
      }
    }
  }
  EXPECT_EQ(mutations, 2 * (8 + 32 + 8 + 32 + 64));
  EXPECT_TRUE(Verify().ok());
}

TEST_F(AuditChainTest, DeletedRecordsAreAGapNamedBySeq) {
  BuildSealedChain();
  {
    RawDb raw(path_);
    raw.Exec("DELETE FROM audit_log WHERE seq = 7");
  }
  auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kDeletedRecords);
  EXPECT_EQ(report.seq, 7);
  EXPECT_NE(report.message.find("seq 7"), std::string::npos) << report.message;
  {
    RawDb raw(path_);
    raw.Exec("DELETE FROM audit_log WHERE seq IN (8, 9)");
  }
  report = Verify();
  EXPECT_EQ(report.seq, 7);
  EXPECT_NE(report.message.find("seq 7 to 9"), std::string::npos) << report.message;
}

TEST_F(AuditChainTest, DeletingTheFirstRecordIsCaught) {
  BuildSealedChain();
  {
    RawDb raw(path_);
    raw.Exec("DELETE FROM audit_log WHERE seq = 1");
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kDeletedRecords);
  EXPECT_EQ(report.seq, 1);
}

TEST_F(AuditChainTest, InsertedRecordIsCaughtWhereItWasInserted) {
  BuildSealedChain();
  {
    // Make room after seq 10 and put a made-up record there, with a plausible-looking hash.
    RawDb raw(path_);
    raw.Exec("UPDATE audit_log SET seq = seq + 1000 WHERE seq > 10");
    raw.Exec("UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000");
    AuditRecord fake = TestRecord(11);
    fake.user_id = 999;
    raw.PutAuditRow(11, fake, AuditChainHash("made up"));
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kChangedRecord);
  EXPECT_EQ(report.seq, 11);
}

TEST_F(AuditChainTest, InsertionWithARecomputedChainIsCaughtByTheCheckpoint) {
  BuildSealedChain();
  // The attacker knows the hash function and rewrites every hash after the inserted record, but
  // cannot sign: the checkpoint at seq 20 no longer matches.
  auto chain = Chain();
  AuditRecord fake = TestRecord(11);
  fake.user_id = 999;
  chain.insert(chain.begin() + 10, AuditEntry{0, fake, "", ""});
  {
    RawDb raw(path_);
    raw.Exec("DELETE FROM audit_log");
    std::string prev = storage::AuditGenesisHash();
    for (size_t i = 0; i < chain.size(); ++i) {
      const long long seq = static_cast<long long>(i + 1);
      prev = AuditChainHash(prev + storage::EncodeAuditRecord(seq, chain[i].record));
      raw.PutAuditRow(seq, chain[i].record, prev);
    }
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kCheckpointMismatch);
  EXPECT_EQ(report.seq, 20);
  EXPECT_NE(report.message.find("checkpoint #2"), std::string::npos) << report.message;
}

TEST_F(AuditChainTest, SwappedRecordsAreReportedAsReordered) {
  BuildSealedChain();
  {
    RawDb raw(path_);
    raw.Exec("UPDATE audit_log SET seq = 1005 WHERE seq = 5");
    raw.Exec("UPDATE audit_log SET seq = 5 WHERE seq = 8");
    raw.Exec("UPDATE audit_log SET seq = 8 WHERE seq = 1005");
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kReorderedRecord) << report.message;
  EXPECT_EQ(report.seq, 5);
  EXPECT_NE(report.message.find("written as seq 8"), std::string::npos) << report.message;
}

TEST_F(AuditChainTest, SwappedContentsUnderTheOriginalHashesAreReportedAsReordered) {
  BuildSealedChain();
  const auto chain = Chain();
  {
    RawDb raw(path_);
    raw.PutAuditRow(5, chain[7].record, chain[4].hash);
    raw.PutAuditRow(8, chain[4].record, chain[7].hash);
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kReorderedRecord) << report.message;
  EXPECT_EQ(report.seq, 5);
}

TEST_F(AuditChainTest, TruncationBeforeTheLastCheckpointIsCaught) {
  BuildSealedChain();
  {
    RawDb raw(path_);
    raw.Exec("DELETE FROM audit_log WHERE seq >= 18");
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kTruncated);
  EXPECT_EQ(report.seq, 18);
  EXPECT_NE(report.message.find("ends at seq 17"), std::string::npos) << report.message;
  EXPECT_NE(report.message.find("seq 20"), std::string::npos) << report.message;
}

TEST_F(AuditChainTest, ForgedCheckpointFromAnotherKeyIsCaught) {
  BuildSealedChain();
  // Rewrite record 3, recompute the chain and seal it with the attacker's own key.
  auto chain = Chain();
  chain[2].record.user_id = 555;
  {
    RawDb raw(path_);
    raw.Exec("DELETE FROM audit_log; DELETE FROM audit_checkpoints;");
    std::string prev = storage::AuditGenesisHash();
    for (const auto& e : chain) {
      prev = AuditChainHash(prev + storage::EncodeAuditRecord(e.seq, e.record));
      raw.PutAuditRow(e.seq, e.record, prev);
    }
  }
  const AuditSigner attacker = TestSigner(99);
  ASSERT_TRUE(SealAuditChain(*store_, attacker, 1772448000).ok());
  auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kUntrustedCheckpoint);
  EXPECT_EQ(report.seq, kRecords);
  EXPECT_NE(report.message.find(ToHex(attacker.public_key())), std::string::npos);
  // Without any trusted key the verifier refuses to vouch for the checkpoints at all.
  auto untrusted = VerifyAuditChain(*store_, {});
  ASSERT_TRUE(untrusted.ok());
  EXPECT_EQ(untrusted->problem, AuditProblem::kNoTrustedKey);
  // Even with the attacker's key wrongly trusted, a chain head the operator kept elsewhere shows
  // the rewrite.
  AuditVerifyOptions anchored;
  anchored.trusted_public_keys = {signer_.public_key(), attacker.public_key()};
  EXPECT_TRUE(Verify(anchored).ok());  // the attacker's key is trusted here: nothing to see
  anchored.expected_head = storage::AuditHead{3, AuditChainHash("not the rewritten hash")};
  report = Verify(anchored);
  EXPECT_EQ(report.problem, AuditProblem::kHeadMismatch);
  EXPECT_EQ(report.seq, 3);
}

TEST_F(AuditChainTest, ForgedSignatureIsCaught) {
  BuildSealedChain();
  {
    RawDb raw(path_);
    // A checkpoint that claims the trusted key but carries a made-up signature.
    raw.Exec(
        "INSERT INTO audit_checkpoints(seq, hash, at, public_key, signature) "
        "SELECT seq, hash, at + 1, public_key, randomblob(64) FROM audit_checkpoints "
        "WHERE id = 1");
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kForgedCheckpoint);
  EXPECT_EQ(report.seq, 10);
  EXPECT_NE(report.message.find("checkpoint #3"), std::string::npos) << report.message;
}

TEST_F(AuditChainTest, ExpectedHeadCatchesTruncationBeyondTheLastCheckpoint) {
  BuildSealedChain();
  Append(21, 25);  // not sealed yet
  const auto before = Verify();
  ASSERT_TRUE(before.ok());
  const storage::AuditHead recorded{before.head_seq, before.head_hash};
  {
    RawDb raw(path_);
    raw.Exec("DELETE FROM audit_log WHERE seq > 22");
  }
  // Records after the last checkpoint can vanish without a trace inside the database...
  EXPECT_TRUE(Verify().ok());
  // ...but not against a head the operator recorded earlier.
  AuditVerifyOptions options;
  options.expected_head = recorded;
  const auto report = Verify(options);
  EXPECT_EQ(report.problem, AuditProblem::kTruncated);
  EXPECT_EQ(report.seq, 23);
}

TEST_F(AuditChainTest, MissingHashIsCaught) {
  BuildSealedChain();
  {
    RawDb raw(path_);
    raw.Exec("UPDATE audit_log SET hash = NULL WHERE seq = 4");
  }
  const auto report = Verify();
  EXPECT_EQ(report.problem, AuditProblem::kMissingHash);
  EXPECT_EQ(report.seq, 4);
}

TEST(AuditChainMigration, RecordsFromBeforeTheChainVerifyAfterMigration) {
  ASSERT_TRUE(InitCrypto().ok());
  TempDir dir;
  const std::string path = (dir.path() / "legacy.db").string();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const std::string v1(storage::internal::SqliteMigrations().front().sql);
    std::string sql =
        "BEGIN; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at INTEGER NOT NULL);" +
        v1 + "INSERT INTO schema_migrations VALUES(1, 'initial schema', 0);";
    for (int i = 1; i <= 50; ++i) {
      sql +=
          "INSERT INTO audit_log(at, user_id, action, object_type, object_id, allowed, detail, "
          "remote) VALUES(" +
          std::to_string(1000 + i) + ", " + std::to_string(i % 4) + ", 'case.read', 'case', " +
          std::to_string(i) + ", 1, '{}', '127.0.0.1');";
    }
    sql += "COMMIT;";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = OpenStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const AuditSigner signer = TestSigner();
  {
    // The server seals a migrated log as soon as it starts.
    Auditor auditor(**store, AuditorOptions{std::make_shared<AuditSigner>(signer)});
    ASSERT_TRUE(auditor.MaybeCheckpoint().ok());
  }
  AuditVerifyOptions options;
  options.trusted_public_keys = {signer.public_key()};
  auto report = VerifyAuditChain(**store, options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_EQ(report->records, 50);
  EXPECT_EQ(report->checkpoints, 1);
}

// ---- The Auditor's checkpoints

class AuditorCheckpointTest : public AuditChainTest {
 protected:
  AuditorOptions Options(long long every_records) {
    AuditorOptions o;
    o.signer = std::make_shared<AuditSigner>(signer_);
    o.clock = [this] { return now_.load(); };
    o.checkpoint_every_records = every_records;
    o.checkpoint_every_seconds = 60;
    o.checkpoint_check_interval = std::chrono::hours(1);  // the test decides when to check
    return o;
  }
  long long LastSealed() {
    long long seq = 0;
    EXPECT_TRUE(store_
                    ->Read([&](storage::Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(auto last, r.LastAuditCheckpoint());
                      if (last) seq = last->seq;
                      return Status::Ok();
                    })
                    .ok());
    return seq;
  }
  void Queue(Auditor& a, int n) {
    for (int i = 0; i < n; ++i) a.Record(TestRecord(i + 1));
    a.Flush();
  }
  std::atomic<UnixSeconds> now_{1772445600};
};

TEST_F(AuditorCheckpointTest, SealsAfterEnoughRecordsOrTimeAndOnShutdown) {
  {
    Auditor auditor(*store_, Options(5));
    Queue(auditor, 3);
    ASSERT_TRUE(auditor.MaybeCheckpoint().ok());
    EXPECT_EQ(LastSealed(), 3);  // nothing sealed yet: seal at once
    Queue(auditor, 4);
    ASSERT_TRUE(auditor.MaybeCheckpoint().ok());
    EXPECT_EQ(LastSealed(), 3);  // 4 new records, 0 s: not due
    Queue(auditor, 1);
    ASSERT_TRUE(auditor.MaybeCheckpoint().ok());
    EXPECT_EQ(LastSealed(), 8);  // 5 new records: due
    Queue(auditor, 1);
    now_ += 59;
    ASSERT_TRUE(auditor.MaybeCheckpoint().ok());
    EXPECT_EQ(LastSealed(), 8);
    now_ += 1;
    ASSERT_TRUE(auditor.MaybeCheckpoint().ok());
    EXPECT_EQ(LastSealed(), 9);  // 60 s since the last checkpoint: due
    Queue(auditor, 2);
    auditor.Record(TestRecord(3));  // still queued when the auditor stops
  }
  EXPECT_EQ(LastSealed(), 12);  // shutdown flushed the queue and sealed it
  const auto report = Verify();
  EXPECT_TRUE(report.ok()) << report.message;
  EXPECT_EQ(report.checkpoints, 4);
}

TEST_F(AuditorCheckpointTest, BackgroundThreadSealsWithoutBeingAsked) {
  AuditorOptions o = Options(1);
  o.checkpoint_check_interval = std::chrono::milliseconds(20);
  Auditor auditor(*store_, o);
  auditor.Record(TestRecord(1));
  auditor.Record(TestRecord(2));
  for (int i = 0; i < 250 && LastSealed() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(LastSealed(), 2);
}

// The background thread also indexes records by object in bulk; lookups see them before and after.
TEST_F(AuditorCheckpointTest, BackgroundThreadIndexesRecordsByObject) {
  AuditorOptions o = Options(1000);
  o.object_index_interval = std::chrono::milliseconds(20);
  Auditor auditor(*store_, o);
  for (int i = 0; i < 5; ++i) auditor.Record(TestRecord(i + 1));
  auditor.Flush();
  // Read the run list directly: asking the store to index would do the work itself.
  auto indexed = [&] {
    sqlite3* db = nullptr;
    long long last = 0;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(last_seq), 0) FROM audit_object_run_list", -1,
                             &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW)
        last = sqlite3_column_int64(st, 0);
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return last == 5;
  };
  bool done = false;
  for (int i = 0; i < 250 && !done; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    done = indexed();
  }
  EXPECT_TRUE(done);
}

TEST_F(AuditorCheckpointTest, WithoutASignerNothingIsSealed) {
  {
    Auditor auditor(*store_);
    Queue(auditor, 3);
    EXPECT_TRUE(auditor.Checkpoint().ok());
  }
  EXPECT_EQ(LastSealed(), 0);
  EXPECT_EQ(Verify().records, 3);
}

TEST(AuditChainServices, EveryServiceWriteAndReadIsChainedAndSealedOnShutdown) {
  auto w = std::make_unique<testing::World>();
  const Principal off = w->As(w->officer1);
  ClueInput in;
  in.summary = "链式审计测试";
  auto clue = w->services->CreateClue(off, in, nullptr);
  ASSERT_TRUE(clue.ok()) << clue.status().ToString();
  ASSERT_TRUE(w->services->GetClue(off, clue->clue.id).ok());
  ASSERT_TRUE(w->services->ListClues(off, {}).ok());
  storage::Store& store = *w->store;
  w->services.reset();  // shutdown: flush and seal
  AuditVerifyOptions options;
  options.trusted_public_keys = {TestSigner().public_key()};
  auto report = VerifyAuditChain(store, options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->message;
  EXPECT_GE(report->records, 3);
  ASSERT_TRUE(report->last_checkpoint.has_value());
  EXPECT_EQ(report->last_checkpoint->seq, report->head_seq);
}

}  // namespace
}  // namespace aegis::services
