// Generates a realistic synthetic data set for demonstrations and benchmarks: the units of a
// province, its officers, a campaign, and clues and cases over two years with deadlines met and
// missed, major and historic cases. Every person in it is invented; incident places and times come
// from real, public San Francisco sex-offence records (block-level addresses, no persons).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "services/services.h"

namespace aegis::services {

// One public incident record (time, place) used as the seed of a synthetic clue.
struct IncidentSeed {
  UnixSeconds time = 0;  // local time of the original record, taken as UTC
  std::string district;  // e.g. "MISSION"
  std::string address;   // block level, e.g. "200 Block of SLOAT BL"
  double latitude = 0, longitude = 0;
  std::string description;  // e.g. "CHILD ABUSE SEXUAL"
};

// Parses the San Francisco incidents CSV (Dates,Category,Descript,DayOfWeek,PdDistrict,Resolution,
// Address,X,Y[,source_file]). Rows with coordinates outside the city (a known bad geocode) or
// unparseable fields are skipped and counted in `skipped`.
StatusOr<std::vector<IncidentSeed>> ParseIncidentCsv(const std::string& csv_text, int* skipped);

// The documented TOTP secret (base32) of the demo's administrator and supervisors: they must sign
// in with a second factor, and demonstrations and browser tests compute their codes from it. Any
// authenticator app takes it, or `oathtool --totp -b AEGISDEMOSECRETTOTPFORDEMOONLYAA`.
inline constexpr const char* kDemoTotpSecret = "AEGISDEMOSECRETTOTPFORDEMOONLYAA";

struct DemoOptions {
  int cases = 3000;  // approximate number of clues (most become cases)
  unsigned seed = 20261129;
  std::string password = "Aegis-demo-2026!";  // for every demo account
  std::string totp_secret = kDemoTotpSecret;  // administrators and supervisors; empty: none
  UnixSeconds now = 0;                        // "today" of the data set; 0 = wall clock
  // Progress callback: (done, total).
  std::function<void(long long, long long)> progress;
};

struct DemoSummary {
  int units = 0, users = 0;
  long long clues = 0, cases = 0, persons = 0, actions = 0;
  std::vector<std::pair<std::string, std::string>> accounts;  // (username, role) to print
  long long interviews = 0, referrals = 0;
  // Need-to-know: cases restricted or sealed by the demo supervisor, break-glass grants to review.
  int labelled_cases = 0, break_glass_grants = 0;
  // A survivor status code issued for one demo victim, to try the survivor page with.
  std::string survivor_reference, survivor_code;
};

// Fills an empty store. Fails with Conflict if the store already has units.
StatusOr<DemoSummary> GenerateDemoData(storage::Store& store, const Vault& vault,
                                       const std::vector<IncidentSeed>& incidents,
                                       const DemoOptions& options);

}  // namespace aegis::services
