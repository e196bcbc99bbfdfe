// Key rotation over a database with every kind of encrypted record: identities of clues and
// persons, TOTP secrets (active and pending), contact preferences and outbox payloads, some still
// in the single-key format of older databases.
#include "services/key_rotation.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "services/keyring.h"
#include "services/sealed_columns.h"
#include "services/services.h"
#include "services/testing_fixture.h"
#include "services/totp.h"

namespace aegis::services {
namespace {

using namespace aegis::domain;
using testing::ResidentId;
using testing::TestKey;
using testing::World;

template <typename T>
T Must(StatusOr<T> r, const char* what = "") {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}

const std::string kVictimId = ResidentId("440103", "20150315", "002");
constexpr const char* kVictimName = "张小红";

// A single-key format ciphertext, as databases written before keyrings hold them.
std::string Format1Seal(std::string_view plain, std::string_view context) {
  std::array<unsigned char, 32> key{};
  crypto_kdf_derive_from_key(key.data(), key.size(), 1, "aegisenc", TestKey().data());
  std::string out(24 + plain.size() + 16, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, 24);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + 24, &len, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, nonce,
      key.data());
  return out;
}

class KeyRotationTest : public ::testing::Test {
 protected:
  KeyRotationTest() : key_file((w.dir.path() / "aegis.db.key").string()) {
    // The fixture's vault is the single-key file of an older database: write that file.
    std::ofstream out(key_file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(TestKey().data()), 32);
  }

  Services& s() { return *w.services; }
  Principal Off1() { return w.As(w.officer1); }
  Principal Sup1() { return w.As(w.supervisor1); }

  ClueInput Clue() {
    ClueInput in;
    in.source = ClueSource::kWalkIn;
    in.summary = "案情摘要（密钥轮换测试）";
    in.facts.place = "人民路";
    in.facts.youngest_victim_age = 11;
    VictimInput v;
    v.sex = Sex::kFemale;
    v.age = 11;
    v.identity.name = kVictimName;
    v.identity.id_number = kVictimId;
    v.identity.phone = "13812345678";
    in.victim = v;
    return in;
  }

  // A case with every kind of encrypted record; some are put back into the old format.
  void Populate() {
    const auto clue = Must(s().CreateClue(Off1(), Clue(), nullptr), "clue");
    clue_id = clue.clue.id;
    case_id = Must(s().Decide(Sup1(), clue_id, DecisionInput{}), "file").second->c.id;
    for (const auto& e : Must(s().GetVictimSupport(Off1(), case_id)).victims)
      if (e.person.pseudonym == "V1") victim = e.person.id;
    ContactPreferences prefs;
    prefs.channels = {ContactChannel::kSms};
    prefs.phone = "13900001111";
    (void)Must(s().SetContactPreferences(Off1(), case_id, victim, prefs), "prefs");
    (void)Must(s().SetChecklist(Off1(), case_id, "evidence_kit_collected", true), "notify");
    survivor_code = Must(s().IssueSurvivorCode(Off1(), case_id, victim), "code").code;
    case_reference = Must(s().GetCase(Off1(), case_id)).summary.c.reference;
    // An officer with a second factor, and the analyst halfway through enrolling one.
    const auto enrolment = Must(s().EnrolTotp(Off1(), testing::kTestPassword), "enrol");
    totp_key = Must(Base32Decode(enrolment.secret));
    ASSERT_TRUE(s().ConfirmTotp(Off1(), TotpCode(totp_key, w.now)).ok());
    (void)Must(s().EnrolTotp(w.As(w.analyst1), testing::kTestPassword), "pending");
    // Another victim whose identity is still in the single-key format.
    PersonInput second;
    second.role = PersonRole::kVictim;
    second.identity.name = "李芳";
    (void)Must(s().AddPerson(Off1(), case_id, second), "person");
    ASSERT_TRUE(w.store
                    ->Write([&](storage::Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(case_id));
                      for (const auto& p : persons) {
                        if (p.person.pseudonym != "V2") continue;
                        Identity id;
                        id.name = "李芳";
                        AEGIS_RETURN_IF_ERROR(r.UpdateSealedCell(
                            storage::SealedColumn::kPersonIdentity, p.person.id,
                            Format1Seal(IdentityToJson(id), "aegis.identity.v1")));
                        old_format_person = p.person.id;
                      }
                      return Status::Ok();
                    })
                    .ok());
  }

  // Services over the rotated key file, as `aegis serve` would start after the rotation.
  void Restart() {
    ServiceOptions options;
    options.audit_signer = std::make_shared<AuditSigner>(testing::TestSigner());
    w.services.reset();
    w.services = std::make_unique<Services>(*w.store, Must(Vault::Open(key_file)), options);
    w.services->SetClock([this] { return w.now; });
  }

  // Everything a user reaches through encryption or the blind-index key still works.
  void ExpectEverythingReadable() {
    const Identity identity = Must(s().RevealIdentity(Sup1(), case_id, victim), "reveal");
    EXPECT_EQ(identity.id_number, kVictimId);
    EXPECT_EQ(Must(s().RevealIdentity(Sup1(), case_id, old_format_person), "reveal V2").name,
              "李芳");
    EXPECT_EQ(Must(s().GetContactPreferences(Off1(), case_id, victim), "prefs").phone,
              "+8613900001111");
    const auto support = Must(s().GetVictimSupport(Off1(), case_id));
    bool saw_message = false;
    for (const auto& e : support.victims)
      for (const auto& n : e.notifications) saw_message |= !n.message.empty();
    EXPECT_TRUE(saw_message) << "an outbox payload no longer decrypts";
    // Duplicate search by keyed hashes finds the victim's earlier clue.
    const auto dups = Must(s().CheckDuplicates(Off1(), Clue()), "duplicates");
    EXPECT_TRUE(std::any_of(dups.begin(), dups.end(), [&](const DuplicateView& d) {
      return d.id == clue_id && d.reason == "same_victim_id_number";
    }));
    // The survivor's code, stored only as a keyed hash, still opens the status page.
    UnixSeconds retry = 0;
    EXPECT_TRUE(s().SurvivorStatus(case_reference, survivor_code, "10.0.0.9", &retry).ok());
    // The second factor still signs in.
    w.Advance(60);
    LoginInput login{"off1", testing::kTestPassword, TotpCode(totp_key, w.now), "127.0.0.1"};
    EXPECT_TRUE(s().Login(login).ok());
    auto verified = Must(VerifySealedValues(*w.store, Must(Vault::Open(key_file))));
    EXPECT_EQ(verified.failed, 0) << (verified.failures.empty() ? "" : verified.failures[0]);
    EXPECT_GE(verified.opened, 7);
  }

  std::string PersonCipher(Id person_id) {
    std::string cipher;
    EXPECT_TRUE(w.store
                    ->Read([&](storage::Repo& r) -> Status {
                      AEGIS_ASSIGN_OR_RETURN(auto p, r.GetPerson(person_id));
                      if (!p) return Status::NotFound("no person");
                      cipher = p->identity_cipher;
                      return Status::Ok();
                    })
                    .ok());
    return cipher;
  }

  SealedValueCensus Census() {
    return Must(CountSealedValues(*w.store, Must(Vault::Open(key_file))));
  }

  World w;
  std::string key_file;
  Id clue_id = 0, case_id = 0, victim = 0, old_format_person = 0;
  std::string survivor_code, case_reference, totp_key;
};

TEST_F(KeyRotationTest, RotatesEveryRecordAndRetiresTheOldKey) {
  Populate();
  const std::string old_identity = PersonCipher(victim);
  const SealedValueCensus before = Census();
  EXPECT_EQ(before.other, 1);  // the old-format identity
  EXPECT_EQ(before.by_key.at(1), before.total - 1);
  for (auto column : storage::kAllSealedColumns)
    EXPECT_GE(before.by_column.count(column), 1u) << storage::SealedColumnName(column);

  // What a key file write killed before its rename leaves behind (it holds the old key too).
  const std::string stale_temp = key_file + ".tmp.Ab12Cd";
  std::ofstream(stale_temp) << "aegis-keyring 1\n";
  std::vector<std::pair<long long, long long>> progress;
  KeyRotationOptions options;
  options.batch_size = 2;
  options.progress = [&](long long done, long long total) { progress.push_back({done, total}); };
  const KeyRotationReport report = Must(RotateMasterKey(*w.store, key_file, options));
  EXPECT_EQ(report.active_key_id, 2u);
  EXPECT_FALSE(report.resumed);
  EXPECT_EQ(report.reencrypted, 1);
  EXPECT_EQ(report.rewrapped, before.total - 1);
  EXPECT_EQ(report.retired, std::vector<std::uint32_t>{1});
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(before.total, before.total));

  const Keyring keyring = Must(ReadKeyFile(key_file));
  EXPECT_FALSE(keyring.single_key_file);
  EXPECT_FALSE(std::filesystem::exists(stale_temp)) << "may hold the retired key";
  ASSERT_EQ(keyring.keys.size(), 1u);
  EXPECT_EQ(keyring.keys[0].id, 2u);
  EXPECT_EQ(Census().by_key.at(2), before.total);
  // The old key is gone: the records no longer open with it, and a copy of a record taken before
  // the rotation (a backup) does not open with the new keyring.
  const SealContext v1 = PersonIdentityContext(case_id, "V1");
  EXPECT_FALSE(Vault::FromKey(TestKey()).DecryptIdentity(PersonCipher(victim), v1).ok());
  EXPECT_TRUE(Vault::FromKey(TestKey()).DecryptIdentity(old_identity, v1).ok());
  EXPECT_FALSE(Must(Vault::Open(key_file)).DecryptIdentity(old_identity, v1).ok());
  Restart();
  ExpectEverythingReadable();
}

TEST_F(KeyRotationTest, RotatingTwiceAndKeepingTheOldKey) {
  Populate();
  KeyRotationOptions keep;
  keep.keep_old = true;
  const auto first = Must(RotateMasterKey(*w.store, key_file, keep));
  EXPECT_EQ(first.retained, std::vector<std::uint32_t>{1});
  EXPECT_TRUE(first.retired.empty());
  Keyring keyring = Must(ReadKeyFile(key_file));
  ASSERT_EQ(keyring.keys.size(), 2u);
  EXPECT_EQ(keyring.Find(1)->state, MasterKeyState::kRetained);
  EXPECT_EQ(keyring.Find(2)->state, MasterKeyState::kActive);
  // A retained key still reads a value sealed under it (an old backup), but encrypts nothing.
  const std::string backup = Vault::FromKey(TestKey()).Encrypt("backup", {"b", ""});
  EXPECT_EQ(Must(Must(Vault::Open(key_file)).Decrypt(backup, {"b", ""})), "backup");
  EXPECT_EQ(Census().by_key.count(1), 0u);

  const auto second = Must(RotateMasterKey(*w.store, key_file, {}));
  EXPECT_EQ(second.active_key_id, 3u);
  EXPECT_EQ(second.retired, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(second.reencrypted, 0);
  keyring = Must(ReadKeyFile(key_file));
  ASSERT_EQ(keyring.keys.size(), 1u);
  EXPECT_EQ(keyring.keys[0].id, 3u);
  EXPECT_EQ(keyring.index_key, LegacyKeyring(TestKey()).index_key);  // never rotated
  Restart();
  ExpectEverythingReadable();
  // New records go under the new key.
  ClueInput again = Clue();
  again.confirm_not_duplicate = true;
  (void)Must(s().CreateClue(Off1(), again, nullptr));
  const SealedValueCensus after = Census();
  EXPECT_EQ(after.by_key.at(3), after.total);
}

// A kill -9 during the batches leaves the new keyring on disk with the old key retiring and the
// records partly moved (tests/crash/crash_test.py does it for real). Everything still opens, and
// running the rotation again finishes it without making yet another key.
TEST_F(KeyRotationTest, InterruptedRotationLeavesEverythingReadableAndIsFinishedByARerun) {
  Populate();
  Keyring keyring = Must(ReadKeyFile(key_file));
  keyring.keys[0].state = MasterKeyState::kRetiring;
  MasterKey fresh;
  fresh.id = 2;
  fresh.created_at = w.now;
  randombytes_buf(fresh.key.data(), fresh.key.size());
  keyring.keys.push_back(fresh);
  ASSERT_TRUE(WriteKeyFile(key_file, keyring, false).ok());
  const Vault during = Must(Vault::FromKeyring(keyring));
  ASSERT_TRUE(w.store
                  ->Write([&](storage::Repo& r) -> Status {
                    // The first batch of persons was committed before the kill.
                    AEGIS_ASSIGN_OR_RETURN(
                        auto cells,
                        r.ListSealedCells(storage::SealedColumn::kPersonIdentity, 0, 1));
                    for (const auto& c : cells) {
                      AEGIS_ASSIGN_OR_RETURN(std::string moved, during.Rewrap(c.cipher));
                      AEGIS_RETURN_IF_ERROR(
                          r.UpdateSealedCell(storage::SealedColumn::kPersonIdentity, c.row, moved));
                    }
                    return Status::Ok();
                  })
                  .ok());
  const SealedValueCensus mixed = Census();
  EXPECT_EQ(mixed.by_key.at(2), 1);
  EXPECT_GT(mixed.by_key.at(1), 1);
  Restart();  // a server started now reads both keys
  ExpectEverythingReadable();
  w.services.reset();  // and is stopped before the rotation runs again

  const auto report = Must(RotateMasterKey(*w.store, key_file, {}));
  EXPECT_TRUE(report.resumed);
  EXPECT_EQ(report.active_key_id, 2u);
  EXPECT_EQ(report.already_moved, 1);
  EXPECT_EQ(report.retired, std::vector<std::uint32_t>{1});
  Restart();
  ExpectEverythingReadable();
}

TEST_F(KeyRotationTest, RefusesWhileAVaultIsOpenOnTheKeyFile) {
  Populate();
  {
    auto serving = Vault::OpenOrCreate(key_file);
    ASSERT_TRUE(serving.ok());
    auto refused = RotateMasterKey(*w.store, key_file, {});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
    EXPECT_TRUE(Must(ReadKeyFile(key_file)).single_key_file);  // untouched
  }
  EXPECT_TRUE(RotateMasterKey(*w.store, key_file, {}).ok());
}

// A value no key opens (here a corrupted one) is never silently dropped: the old key stays until
// it is repaired, and verification names where it is without showing anything of it.
TEST_F(KeyRotationTest, AnUnreadableValueKeepsTheOldKeyUntilRepaired) {
  Populate();
  std::string original;
  auto put = [&](const std::string& cipher) {
    return w.store->Write([&](storage::Repo& r) -> Status {
      return r.UpdateSealedCell(storage::SealedColumn::kContactPreferences, victim, cipher);
    });
  };
  ASSERT_TRUE(w.store
                  ->Read([&](storage::Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto rec, r.Victims().GetContactPreferences(victim));
                    original = rec->cipher;
                    return Status::Ok();
                  })
                  .ok());
  std::string corrupt = original;
  corrupt[40] = static_cast<char>(corrupt[40] ^ 1);
  ASSERT_TRUE(put(corrupt).ok());

  const auto verified = Must(VerifySealedValues(*w.store, Must(Vault::Open(key_file))));
  EXPECT_EQ(verified.failed, 1);
  ASSERT_EQ(verified.failures.size(), 1u);
  EXPECT_EQ(verified.failures[0], "contact_preferences.cipher row " + std::to_string(victim));

  auto refused = RotateMasterKey(*w.store, key_file, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("contact_preferences.cipher row"), std::string::npos);
  EXPECT_EQ(refused.status().message().find("13900001111"), std::string::npos);
  Keyring keyring = Must(ReadKeyFile(key_file));
  ASSERT_EQ(keyring.keys.size(), 2u);
  EXPECT_EQ(keyring.Find(1)->state, MasterKeyState::kRetiring);

  ASSERT_TRUE(put(original).ok());  // e.g. restored from a backup
  const auto report = Must(RotateMasterKey(*w.store, key_file, {}));
  EXPECT_TRUE(report.resumed);
  EXPECT_EQ(report.rewrapped, 1);
  EXPECT_EQ(report.retired, std::vector<std::uint32_t>{1});
  Restart();
  ExpectEverythingReadable();
}

TEST_F(KeyRotationTest, VerificationCatchesAValueMovedToAnotherRow) {
  Populate();
  ASSERT_TRUE(w.store
                  ->Write([&](storage::Repo& r) -> Status {
                    AEGIS_ASSIGN_OR_RETURN(auto victim_rec, r.GetPerson(victim));
                    // The first victim's (format 2) identity copied over the second's row.
                    return r.UpdateSealedCell(storage::SealedColumn::kPersonIdentity,
                                              old_format_person, victim_rec->identity_cipher);
                  })
                  .ok());
  const auto verified = Must(VerifySealedValues(*w.store, Must(Vault::Open(key_file))));
  EXPECT_EQ(verified.failed, 1);
  EXPECT_EQ(verified.failures.at(0),
            "persons.identity_cipher row " + std::to_string(old_format_person));
  EXPECT_FALSE(s().RevealIdentity(Sup1(), case_id, old_format_person).ok());
}

}  // namespace
}  // namespace aegis::services
