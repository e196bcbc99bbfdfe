// The victim-support part of the demo data set: interviews, contact preferences, consents and
// referrals to the demo partner agencies, with histories and stalls, for generated cases.
// Used only by demo_data.cc; it draws from its own random stream so that the rest of the demo
// data stays as it was.
#pragma once

#include <random>
#include <string>

#include "services/crypto.h"
#include "storage/store.h"

namespace aegis::services::internal {

struct DemoPartners {
  domain::Id womens_federation = 0, childrens_hospital = 0, legal_aid = 0, counselling = 0,
             civil_affairs = 0, education = 0;
  domain::Id womens_federation_user = 0;  // the demo account "partner"
};

class DemoVictimSupport {
 public:
  DemoVictimSupport(const Vault& vault, unsigned seed, DemoPartners partners, UnixSeconds now)
      : vault_(vault), gen_(seed), partners_(partners), now_(now) {}

  // Adds what the team would have recorded for victim `victim_id` (aged `age` at the offence) of
  // the generated case `c`, by the stage it reached (read from its checklist): the interview(s),
  // and for most victims with a support referral, contact preferences, a consent and referrals.
  Status AddForCase(storage::Repo& r, const domain::Case& c, domain::Id victim_id, int age,
                    domain::Id officer, domain::Id supervisor);

  // Issues a survivor status code for one victim with an accepted referral (the first such case),
  // so that the demo can show the survivor page. Empty when none qualified.
  const std::string& sample_reference() const { return sample_reference_; }
  const std::string& sample_code() const { return sample_code_; }
  long long referrals() const { return referrals_; }
  long long interviews() const { return interviews_; }

 private:
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(gen_); }
  bool Chance(double p) { return Uniform() < p; }
  std::int64_t Range(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(gen_);
  }

  const Vault& vault_;
  std::mt19937_64 gen_;
  DemoPartners partners_;
  UnixSeconds now_;
  std::string sample_reference_, sample_code_;
  long long referrals_ = 0, interviews_ = 0;
};

}  // namespace aegis::services::internal
