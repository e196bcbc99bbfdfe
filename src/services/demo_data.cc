#include "services/demo_data.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "domain/case_lifecycle.h"
#include "domain/identity_check.h"
#include "domain/major_case_rules.h"
#include "services/internal/demo_victim_support.h"
#include "services/internal/service_util.h"
#include "services/sealed_columns.h"
#include "services/totp.h"

namespace aegis::services {

using json = nlohmann::json;
using namespace aegis::domain;

namespace {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// The demo jurisdiction: a fictional province whose ten district bureaus take their names (and
// incident geography) from the San Francisco police districts of the public records.
struct DistrictDef {
  const char* key;  // PdDistrict in the records
  const char* name;
  const char* name_en;
  int city;  // 0 east, 1 west
};
constexpr DistrictDef kDistricts[] = {
    {"CENTRAL", "中央分局", "Central District Bureau", 0},
    {"NORTHERN", "北区分局", "Northern District Bureau", 0},
    {"SOUTHERN", "南区分局", "Southern District Bureau", 0},
    {"TENDERLOIN", "田德隆分局", "Tenderloin District Bureau", 0},
    {"MISSION", "米申分局", "Mission District Bureau", 0},
    {"BAYVIEW", "湾景分局", "Bayview District Bureau", 1},
    {"PARK", "公园分局", "Park District Bureau", 1},
    {"RICHMOND", "列治文分局", "Richmond District Bureau", 1},
    {"INGLESIDE", "英格塞德分局", "Ingleside District Bureau", 1},
    {"TARAVAL", "塔拉瓦尔分局", "Taraval District Bureau", 1},
};
constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
constexpr const char* kGiven[] = {"伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",
                                  "磊",   "洋",   "艳",   "勇",   "军",   "杰",   "娟",
                                  "涛",   "明",   "超",   "秀英", "霞",   "平",   "刚",
                                  "桂英", "晓燕", "子涵", "欣怡", "梓萱", "一诺", "浩然"};
constexpr const char* kStreets[] = {"人民路", "解放路", "中山路", "建设路", "和平路",
                                    "新华街", "文化路", "青年路", "滨江路", "朝阳街"};

class Rng {
 public:
  explicit Rng(unsigned seed) : gen_(seed) {}
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(gen_); }
  bool Chance(double p) { return Uniform() < p; }
  std::int64_t Range(std::int64_t lo, std::int64_t hi) {  // inclusive
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(gen_);
  }
  template <typename T, size_t N>
  const T& Pick(const T (&arr)[N]) {
    return arr[Range(0, static_cast<std::int64_t>(N) - 1)];
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Range(0, static_cast<std::int64_t>(v.size()) - 1)];
  }

 private:
  std::mt19937_64 gen_;
};

std::string PersonName(Rng& rng) {
  return std::string(rng.Pick(kSurnames)) + rng.Pick(kGiven) +
         (rng.Chance(0.4) ? rng.Pick(kGiven) : "");
}

// A synthetic but checksum-valid resident ID for a made-up person born on `birth`.
std::string FakeResidentId(Rng& rng, UnixSeconds birth, bool female) {
  static constexpr const char* kRegions[] = {"440103", "440104", "440105", "440106", "440111",
                                             "440112", "440113", "440114", "440115", "440117"};
  const std::string date = FormatDate(birth);
  char seq[8];
  int s = static_cast<int>(rng.Range(0, 499)) * 2 + (female ? 0 : 1);
  std::snprintf(seq, sizeof seq, "%03d", s % 1000);
  std::string first17 = std::string(rng.Pick(kRegions)) + date.substr(0, 4) + date.substr(5, 2) +
                        date.substr(8, 2) + seq;
  return first17 + ResidentIdCheckCharacter(first17);
}

std::string FakePhone(Rng& rng) {
  static constexpr const char* kPrefixes[] = {"138", "139", "135", "136",
                                              "150", "186", "187", "177"};
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08lld", static_cast<long long>(rng.Range(0, 99999999)));
  return std::string("+86") + rng.Pick(kPrefixes) + digits;
}

std::string DescribeOffence(const std::string& d) {
  if (d.find("CHILD") != std::string::npos) return "儿童性侵害";
  if (d.find("RAPE") != std::string::npos) return "强奸";
  if (d.find("ORAL") != std::string::npos || d.find("SODOMY") != std::string::npos)
    return "强制猥亵";
  if (d.find("BATTERY") != std::string::npos) return "猥亵（性骚扰伴随侵害）";
  if (d.find("ANNOY") != std::string::npos || d.find("MOLEST") != std::string::npos)
    return "猥亵儿童";
  if (d.find("INDECENT") != std::string::npos) return "猥亵";
  return "性侵害";
}

struct Stage {
  CaseStage stage;
  UnixSeconds at;
};

// Need-to-know access, set through the services as the users themselves would: the Mission
// bureau's supervisor restricts a few of its station's open cases (one only its victim support),
// seals a closed one by court order, and an officer of the Central station (off.central.1) opens
// one restricted case by break-glass, which alerts the case team and the supervisor and waits for
// review. The services' clock runs in the last minute before `now`, after the generated access
// history, so the audit trail stays in time order.
Status AddDemoAccessControls(storage::Store& store, const Vault& vault, UnixSeconds now,
                             Id mission_station, DemoSummary* summary) {
  std::vector<Case> cases;
  Principal supervisor, central_officer;
  std::optional<Id> mission_officer;
  AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
    storage::CaseQuery q;
    q.scope.all = true;
    q.page.sort = "filed_at";
    q.page.limit = 500;
    q.unit_path_of = mission_station;
    AEGIS_ASSIGN_OR_RETURN(auto list, r.ListCases(q));
    cases = std::move(list.items);
    auto principal = [&](const std::string& username, Principal* out) -> Status {
      AEGIS_ASSIGN_OR_RETURN(auto rec, r.FindUserByUsername(username));
      if (!rec) return Status::Internal("demo: user " + username + " is missing");
      AEGIS_ASSIGN_OR_RETURN(auto unit, r.GetUnit(rec->user.unit_id));
      if (!unit) return Status::Internal("demo: the unit of " + username + " is missing");
      out->user = rec->user;
      out->unit = *unit;
      out->remote = "demo";
      out->purpose = AllowedPurposes(rec->user.role).front();
      return Status::Ok();
    };
    AEGIS_RETURN_IF_ERROR(principal("supervisor", &supervisor));
    Principal officer;
    AEGIS_RETURN_IF_ERROR(principal("officer", &officer));
    mission_officer = officer.user.id;
    AEGIS_RETURN_IF_ERROR(principal("off.central.1", &central_officer));
    return Status::Ok();
  }));
  // Pick the cases: open ones for restriction (one the demo officer leads, so the label shows on
  // their work list), a closed one for the seal.
  std::optional<Id> led_by_officer, restricted_other, break_glass_target, section_only, sealed;
  for (const Case& c : cases) {
    const bool open = IsOpenStage(c.stage);
    if (open && !led_by_officer && c.lead_investigator_id == mission_officer) {
      led_by_officer = c.id;
    } else if (open && c.lead_investigator_id != mission_officer) {
      if (!restricted_other) {
        restricted_other = c.id;
      } else if (!break_glass_target) {
        break_glass_target = c.id;
      } else if (!section_only) {
        section_only = c.id;
      }
    } else if (!open && c.stage == CaseStage::kClosed && !sealed) {
      sealed = c.id;
    }
  }

  Services services(store, vault);
  UnixSeconds clock = now - 50;
  services.SetClock([&clock] { return clock; });
  auto label = [&](std::optional<Id> id, SensitivityInput in) -> Status {
    if (!id) return Status::Ok();
    clock += 5;
    AEGIS_RETURN_IF_ERROR(services.SetCaseSensitivity(supervisor, *id, in).status());
    ++summary->labelled_cases;
    return Status::Ok();
  };
  SensitivityInput restrict;
  restrict.restricted = true;
  restrict.reason = "被害人系在校学生，媒体已有关注，限定办案组知悉。";
  AEGIS_RETURN_IF_ERROR(label(led_by_officer, restrict));
  restrict.reason = "嫌疑人为本系统工作人员亲属，依回避规定限定办案组知悉。";
  AEGIS_RETURN_IF_ERROR(label(restricted_other, restrict));
  restrict.reason = "案件涉及公众人物，限定办案组知悉。";
  AEGIS_RETURN_IF_ERROR(label(break_glass_target, restrict));
  SensitivityInput sections;
  sections.restricted_sections = std::vector<CaseSection>{CaseSection::kVictimSupport};
  sections.reason = "被害人帮扶信息仅限办案组，其他人员请联系主办侦查员。";
  AEGIS_RETURN_IF_ERROR(label(section_only, sections));
  SensitivityInput seal;
  seal.sealed = true;
  seal.seal_reference = "（2025）示东01刑初218号";
  seal.reason = "依法院判决，对涉及未成年人的案件材料予以封存。";
  AEGIS_RETURN_IF_ERROR(label(sealed, seal));
  if (break_glass_target) {
    clock += 5;
    BreakGlassInput in;
    in.case_id = break_glass_target;
    in.reason =
        "被害人家属来电称嫌疑人正在其住处附近徘徊，办案组电话无人接听，需立即核实嫌疑人信息。";
    AEGIS_RETURN_IF_ERROR(services.BreakGlass(central_officer, in).status());
    ++summary->break_glass_grants;
  }
  services.auditor().Flush();
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<IncidentSeed>> ParseIncidentCsv(const std::string& text, int* skipped) {
  std::vector<IncidentSeed> out;
  int bad = 0;
  size_t pos = 0;
  bool header = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line == "\r") continue;
    if (header) {
      header = false;
      if (line.rfind("Dates,", 0) != 0)
        return Status::InvalidArgument("csv", "missing header Dates,...");
      continue;
    }
    auto f = SplitCsvLine(line);
    if (f.size() < 9) {
      ++bad;
      continue;
    }
    auto t = ParseIso8601(f[0]);
    char* e1 = nullptr;
    char* e2 = nullptr;
    const double lon = std::strtod(f[7].c_str(), &e1);
    const double lat = std::strtod(f[8].c_str(), &e2);
    // San Francisco's bounding box; the records hold one known bad geocode (Y = 90).
    if (!t || e1 == f[7].c_str() || e2 == f[8].c_str() || lat < 37.6 || lat > 37.9 ||
        lon < -122.6 || lon > -122.3) {
      ++bad;
      continue;
    }
    out.push_back({*t, f[4], f[6], lat, lon, f[2]});
  }
  if (skipped) *skipped = bad;
  if (out.empty()) return Status::InvalidArgument("csv", "no usable incident rows");
  return out;
}

StatusOr<DemoSummary> GenerateDemoData(storage::Store& store, const Vault& vault,
                                       const std::vector<IncidentSeed>& incidents,
                                       const DemoOptions& opt) {
  if (incidents.empty()) return Status::InvalidArgument("incidents", "at least one is needed");
  const UnixSeconds now = opt.now ? opt.now : NowSeconds();
  Rng rng(opt.seed);
  DemoSummary summary;

  // ---- Units, users and the campaign.
  std::map<std::string, Id> unit_ids;         // code -> id
  std::map<std::string, Id> station_of;       // district key -> station id
  std::map<std::string, Id> bureau_of;        // district key -> county-level bureau id
  std::map<Id, std::vector<Id>> officers_of;  // station id -> officer user ids
  std::map<Id, Id> supervisor_of;             // bureau id -> supervisor user id
  Id procuratorate[2] = {0, 0};
  Id province = 0;

  struct UserDef {
    std::string username, display;
    Role role;
    std::string unit_code;
  };
  std::vector<UserDef> users = {
      {"admin", "系统管理员", Role::kAdministrator, "DEMO"},
      {"analyst", "情报分析员 林晓", Role::kAnalyst, "DEMO"},
      {"sup.province", "省厅督导 周振华", Role::kSupervisor, "DEMO"},
      {"sup.east", "东城市局 刘建国", Role::kSupervisor, "DEMO-E"},
      {"sup.west", "西城市局 郑海", Role::kSupervisor, "DEMO-W"},
      {"forensic", "法医 孙婧", Role::kForensic, "DEMO-E"},
      {"prosecutor", "检察官 何雯", Role::kProsecutor, "DEMO-E-PRO"},
      {"partner", "妇联 社工 许慧", Role::kPartner, "DEMO-WF"},
      {"privacy", "隐私保护专员 赵敏", Role::kPrivacyOfficer, "DEMO"},
      {"supervisor", "米申分局 陈队长", Role::kSupervisor, "DEMO-E-MISSION"},
      {"officer", "米申派出所 王警官", Role::kOfficer, "DEMO-E-MISSION-S1"},
  };
  for (const auto& d : kDistricts) {
    const std::string bureau = std::string(d.city == 0 ? "DEMO-E-" : "DEMO-W-") + d.key;
    std::string lower = d.key;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (std::string(d.key) != "MISSION")
      users.push_back(
          {"sup." + lower, std::string(d.name) + " " + PersonName(rng), Role::kSupervisor, bureau});
    for (int i = 1; i <= 2; ++i) {
      if (std::string(d.key) == "MISSION" && i == 1) continue;  // "officer" above
      users.push_back({"off." + lower + "." + std::to_string(i), PersonName(rng) + "（民警）",
                       Role::kOfficer, bureau + "-S1"});
    }
  }
  // Refuse a store with data before spending seconds on password hashing.
  AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto existing, r.ListUnits());
    if (!existing.empty()) return Status::Conflict("the database already has data; use a new file");
    return Status::Ok();
  }));
  std::vector<std::string> hashes;
  for (size_t i = 0; i < users.size(); ++i) {
    AEGIS_ASSIGN_OR_RETURN(std::string h, HashPassword(opt.password));
    hashes.push_back(h);
    if (opt.progress) opt.progress(0, 1);
  }

  std::string totp_key;  // the demo second factor, pre-enrolled for the roles that require one
  if (!opt.totp_secret.empty()) {
    AEGIS_ASSIGN_OR_RETURN(totp_key, Base32Decode(opt.totp_secret));
  }

  Id campaign_scope = 0;
  AEGIS_RETURN_IF_ERROR(store.Write([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto existing, r.ListUnits());
    if (!existing.empty()) return Status::Conflict("the database already has data; use a new file");
    auto add_unit = [&](const std::string& code, const std::string& name,
                        const std::string& name_en, UnitType type,
                        std::optional<Id> parent) -> StatusOr<Id> {
      Unit u{0, code, name, name_en, type, parent};
      AEGIS_ASSIGN_OR_RETURN(Id id, r.InsertUnit(u));
      unit_ids[code] = id;
      ++summary.units;
      return id;
    };
    AEGIS_ASSIGN_OR_RETURN(Id ministry, add_unit("MPS", "公安部", "Ministry of Public Security",
                                                 UnitType::kMinistry, std::nullopt));
    AEGIS_ASSIGN_OR_RETURN(
        province, add_unit("DEMO", "示范省公安厅", "Demo Province Public Security Department",
                           UnitType::kProvince, ministry));
    campaign_scope = province;
    Id cities[2];
    AEGIS_ASSIGN_OR_RETURN(cities[0],
                           add_unit("DEMO-E", "东城市公安局", "East City Public Security Bureau",
                                    UnitType::kCity, province));
    AEGIS_ASSIGN_OR_RETURN(cities[1],
                           add_unit("DEMO-W", "西城市公安局", "West City Public Security Bureau",
                                    UnitType::kCity, province));
    AEGIS_ASSIGN_OR_RETURN(procuratorate[0], add_unit("DEMO-E-PRO", "东城市人民检察院",
                                                      "East City People's Procuratorate",
                                                      UnitType::kProcuratorate, cities[0]));
    AEGIS_ASSIGN_OR_RETURN(procuratorate[1], add_unit("DEMO-W-PRO", "西城市人民检察院",
                                                      "West City People's Procuratorate",
                                                      UnitType::kProcuratorate, cities[1]));
    AEGIS_RETURN_IF_ERROR(add_unit("DEMO-WF", "示范省妇女联合会",
                                   "Demo Province Women's Federation", UnitType::kPartner, province)
                              .status());
    AEGIS_RETURN_IF_ERROR(add_unit("DEMO-CH", "示范省儿童医院", "Demo Province Children's Hospital",
                                   UnitType::kPartner, province)
                              .status());
    for (const auto& d : kDistricts) {
      const std::string code = std::string(d.city == 0 ? "DEMO-E-" : "DEMO-W-") + d.key;
      AEGIS_ASSIGN_OR_RETURN(Id bureau,
                             add_unit(code, d.name, d.name_en, UnitType::kCounty, cities[d.city]));
      std::string station_name =
          std::string(d.name).substr(0, std::string(d.name).size() - 6) + "派出所";
      AEGIS_ASSIGN_OR_RETURN(
          Id station, add_unit(code + "-S1", station_name,
                               std::string(d.name_en).substr(0, std::string(d.name_en).size() - 6) +
                                   "Police Station",
                               UnitType::kStation, bureau));
      bureau_of[d.key] = bureau;
      station_of[d.key] = station;
    }
    // Partner agencies for victim referrals (after the districts, so that earlier ids stay).
    for (const auto& [code, name, name_en] : std::vector<std::array<std::string, 3>>{
             {"DEMO-LA", "示范省法律援助中心", "Demo Province Legal Aid Centre"},
             {"DEMO-PC", "示范省心理援助中心", "Demo Province Psychological Support Centre"},
             {"DEMO-CA", "示范省救助管理站", "Demo Province Relief and Shelter Station"},
             {"DEMO-ED", "示范省教育厅学生资助中心", "Demo Province Student Support Centre"}}) {
      AEGIS_RETURN_IF_ERROR(add_unit(code, name, name_en, UnitType::kPartner, province).status());
    }
    for (size_t i = 0; i < users.size(); ++i) {
      const UserDef& u = users[i];
      User user{0,
                u.username,
                u.display,
                u.role,
                unit_ids.at(u.unit_code),
                true,
                now - 800 * kSecondsPerDay};
      AEGIS_ASSIGN_OR_RETURN(Id id, r.InsertUser({user, hashes[i]}));
      ++summary.users;
      if (u.role == Role::kOfficer) officers_of[user.unit_id].push_back(id);
      if (u.role == Role::kSupervisor) supervisor_of[user.unit_id] = id;
      if (!totp_key.empty() && RoleRequiresTotp(u.role)) {
        storage::UserAuthRecord auth;
        auth.user_id = id;
        auth.totp_secret = vault.Encrypt(totp_key, TotpSecretContext(id));
        auth.totp_enabled_at = user.created_at;
        AEGIS_RETURN_IF_ERROR(r.PutUserAuth(auth));
      }
      summary.accounts.push_back({u.username, std::string(ToString(u.role))});
    }
    Campaign c{0,
               "依法严厉打击性侵犯罪专项行动",
               "Campaign against sexual-assault crime",
               now - 730 * kSecondsPerDay,
               std::nullopt,
               province};
    return r.InsertCampaign(c).status();
  }));

  // Victim support (interviews, consents, referrals) has its own random stream.
  internal::DemoPartners partners{unit_ids.at("DEMO-WF"), unit_ids.at("DEMO-CH"),
                                  unit_ids.at("DEMO-LA"), unit_ids.at("DEMO-PC"),
                                  unit_ids.at("DEMO-CA"), unit_ids.at("DEMO-ED")};
  AEGIS_RETURN_IF_ERROR(store.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(auto partner, r.FindUserByUsername("partner"));
    if (partner) partners.womens_federation_user = partner->user.id;
    return Status::Ok();
  }));
  internal::DemoVictimSupport support(vault, opt.seed ^ 0x5eedu, partners, now);

  // ---- Clues and cases, in transactions of a few thousand.
  const DeadlineRules& rules = DefaultDeadlineRules();
  const MajorCaseRuleSet& major_rules = DefaultMajorCaseRules();
  UnixSeconds min_t = incidents.front().time, max_t = incidents.front().time;
  for (const auto& i : incidents) {
    min_t = std::min(min_t, i.time);
    max_t = std::max(max_t, i.time);
  }
  const UnixSeconds window_start = now - 730 * kSecondsPerDay;
  const double span = static_cast<double>(std::max<UnixSeconds>(1, max_t - min_t));
  static constexpr ClueSource kSources[] = {ClueSource::kEmergencyCall, ClueSource::kEmergencyCall,
                                            ClueSource::kEmergencyCall, ClueSource::kWalkIn,
                                            ClueSource::kWalkIn,        ClueSource::kHospital,
                                            ClueSource::kSchool,        ClueSource::kOnlinePlatform,
                                            ClueSource::kPartnerAgency, ClueSource::kAnonymousTip};
  static constexpr const char* kDeclineReasons[] = {
      "经审查，不符合立案条件：无犯罪事实。", "报案人撤回陈述，经核查无犯罪事实。",
      "属民事纠纷，已告知当事人救济途径。", "经查证系重复报案，已并入原线索。"};
  static constexpr DutyOfCare kDuties[] = {DutyOfCare::kTeacher, DutyOfCare::kGuardian,
                                           DutyOfCare::kCoach, DutyOfCare::kDoctor,
                                           DutyOfCare::kOtherCarer};

  const long long total = std::max(1, opt.cases);
  std::vector<std::string> district_keys;
  for (const auto& d : kDistricts) district_keys.push_back(d.key);
  long long done = 0;
  const long long batch = 2000;
  // Clues are generated in time order so that reference numbers follow the calendar.
  std::vector<UnixSeconds> received(total);
  std::vector<size_t> seed_index(total);
  for (long long i = 0; i < total; ++i) {
    seed_index[i] = static_cast<size_t>(rng.Range(0, static_cast<long long>(incidents.size()) - 1));
    const IncidentSeed& s = incidents[seed_index[i]];
    // Map the record's date proportionally into the two-year window and keep its time of day.
    const double frac = static_cast<double>(s.time - min_t) / span;
    UnixSeconds day = window_start + static_cast<UnixSeconds>(frac * 729) * kSecondsPerDay;
    day -= day % kSecondsPerDay;
    received[i] = std::min(now - 600, day + (s.time % kSecondsPerDay) + rng.Range(0, 6) * 3600);
  }
  std::vector<long long> order(total);
  for (long long i = 0; i < total; ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](long long a, long long b) { return received[a] < received[b]; });

  while (done < total) {
    const long long upto = std::min(total, done + batch);
    AEGIS_RETURN_IF_ERROR(store.Write([&](storage::Repo& r) -> Status {
      for (long long k = done; k < upto; ++k) {
        const IncidentSeed& s = incidents[seed_index[order[k]]];
        const UnixSeconds recv = received[order[k]];
        std::string district = s.district;
        if (!station_of.count(district)) district = rng.Pick(district_keys);
        const Id station = station_of.at(district);
        const Id bureau = bureau_of.at(district);
        const std::vector<Id>& officers = officers_of.at(station);
        const Id recorder = rng.Pick(officers);
        const Id assignee = rng.Pick(officers);
        const Id supervisor = supervisor_of.count(bureau) ? supervisor_of.at(bureau) : recorder;

        storage::ClueRecord rec;
        Clue& c = rec.clue;
        c.source = rng.Pick(kSources);
        c.received_at = recv;
        c.unit_id = station;
        c.recorded_by = recorder;
        c.assigned_to = assignee;
        OffenceFacts& f = c.facts;
        const bool historic = rng.Chance(0.07);
        f.offence_time = historic ? recv - rng.Range(2, 15) * 365 * kSecondsPerDay
                                  : recv - rng.Range(1, 72) * 3600;
        f.place = s.address;
        f.latitude = s.latitude;
        f.longitude = s.longitude;
        const double age_draw = rng.Uniform();  // shares from Colombia's 2010-2021 records
        const int age = age_draw < 0.42   ? static_cast<int>(rng.Range(4, 13))
                        : age_draw < 0.69 ? static_cast<int>(rng.Range(14, 17))
                                          : static_cast<int>(rng.Range(18, 62));
        f.youngest_victim_age = age;
        f.victim_count = rng.Chance(0.08) ? static_cast<int>(rng.Range(2, 4)) : 1;
        f.offender_count = rng.Chance(0.1) ? static_cast<int>(rng.Range(2, 4)) : 1;
        if (age < 18 && rng.Chance(0.18)) f.duty_of_care = rng.Pick(kDuties);
        f.weapon = rng.Chance(0.12);
        f.serious_injury = rng.Chance(0.05);
        f.online_dating = age >= 14 && rng.Chance(0.14);
        if (f.online_dating) c.source = rng.Chance(0.5) ? ClueSource::kOnlinePlatform : c.source;
        f.repeat_offender = rng.Chance(0.05);
        const std::string offence = DescribeOffence(s.description);
        c.summary = FormatDate(*f.offence_time) + " 在" + s.address + "附近发生一起" + offence +
                    "警情。" +
                    (age < 14   ? "被害人系未满十四周岁儿童，"
                     : age < 18 ? "被害人系未成年人，"
                                : "") +
                    (f.online_dating ? "双方通过网络交友平台认识，" : "") +
                    (f.duty_of_care != DutyOfCare::kNone ? "嫌疑人对被害人负有特殊职责，" : "") +
                    "报案人请求依法处理。";
        c.victim_pseudonym = "V1";
        c.suspect_description = std::string(rng.Chance(0.9) ? "男" : "女") + "，约" +
                                std::to_string(rng.Range(18, 60)) + "岁，身高约" +
                                std::to_string(rng.Range(158, 188)) + "厘米";
        const double track_draw = rng.Uniform();
        c.track = track_draw < 0.8    ? ReviewTrack::kStandard
                  : track_draw < 0.95 ? ReviewTrack::kVerification
                                      : ReviewTrack::kMajorComplex;
        if (c.track == ReviewTrack::kMajorComplex) c.track_approved_by = supervisor;
        AEGIS_ASSIGN_OR_RETURN(c.review_deadline, ReviewDeadline(rules, c.track, recv));
        rec.victim_sex = rng.Chance(0.9) ? Sex::kFemale : Sex::kMale;
        Identity victim;
        victim.name = PersonName(rng);
        const UnixSeconds birth =
            *f.offence_time - age * 365 * kSecondsPerDay - rng.Range(0, 300) * kSecondsPerDay;
        victim.date_of_birth = FormatDate(birth);
        victim.id_number = FakeResidentId(rng, birth, rec.victim_sex == Sex::kFemale);
        if (rng.Chance(0.8)) victim.phone = FakePhone(rng);
        victim.address =
            "示范省" + std::string(rng.Pick(kStreets)) + std::to_string(rng.Range(1, 300)) + "号";
        rec.victim_index = vault.Index(victim);

        // The decision: recent clues are often still pending; older ones decided, mostly in time.
        const UnixSeconds limit = c.review_deadline - recv;
        const bool pending = now - recv < 10 * kSecondsPerDay && rng.Chance(0.55);
        if (!pending) {
          const UnixSeconds delay = rng.Chance(0.88)
                                        ? rng.Range(limit / 10, limit)
                                        : limit + rng.Range(3600 * 6, 5 * kSecondsPerDay);
          c.decided_at = std::min(now - 60, recv + delay);
          c.decided_by = supervisor;
          const double outcome = rng.Uniform();
          c.status = outcome < 0.8    ? ClueStatus::kFiled
                     : outcome < 0.94 ? ClueStatus::kDeclined
                                      : ClueStatus::kTransferred;
          if (c.status == ClueStatus::kDeclined) c.decision_reason = rng.Pick(kDeclineReasons);
          if (c.status == ClueStatus::kTransferred) {
            std::string other = rng.Pick(district_keys);
            if (other == district)
              other = district_keys[(std::find(district_keys.begin(), district_keys.end(), other) -
                                     district_keys.begin() + 1) %
                                    district_keys.size()];
            c.transferred_to_unit = station_of.at(other);
            c.decision_reason = "案发地不属本辖区，移交属地派出所办理。";
          }
        }
        c.updated_at = c.decided_at.value_or(recv);
        AEGIS_ASSIGN_OR_RETURN(long long n,
                               r.NextSequence("clue-" + FormatDate(recv).substr(0, 4)));
        c.reference = internal::FormatReference("XS", recv, n);
        rec.victim_identity_cipher =
            vault.EncryptIdentity(victim, ClueIdentityContext(c.reference));
        AEGIS_ASSIGN_OR_RETURN(c.id, r.InsertClue(rec));
        ++summary.clues;
        if (c.status != ClueStatus::kFiled) continue;

        // ---- The case and its history.
        const UnixSeconds filed = *c.decided_at;
        Case cs;
        cs.clue_id = c.id;
        cs.unit_id = station;
        cs.title =
            FormatDate(*f.offence_time).substr(0, 7) + " " + s.address + " " + offence + "案";
        cs.summary = c.summary;
        cs.facts = f;
        cs.filed_at = filed;
        cs.historic = IsHistoric(f.offence_time, filed);
        const MajorCaseAssessment a = AssessMajorCase(major_rules, f);
        cs.major = a.major;
        cs.priority = a.priority;
        cs.major_flags = a.flags;
        cs.rules_version = a.rules_version;
        if (cs.major) {
          cs.supervising_unit_id = bureau;
          cs.case_manager_id = supervisor;
          cs.file_coordinator_id = rng.Pick(officers);
        }
        cs.lead_investigator_id = assignee;
        // Walk the lifecycle forward from filing with realistic step times until "now".
        std::vector<Stage> path = {{CaseStage::kFiled, filed}};
        UnixSeconds t = filed + rng.Range(1, 48) * 3600;
        const bool will_identify = rng.Chance(cs.historic ? 0.45 : 0.78);
        const bool will_detain = rng.Chance(0.85);
        auto step = [&](CaseStage st, UnixSeconds dt) {
          t += dt;
          if (t >= now) return false;
          path.push_back({st, t});
          return true;
        };
        bool ok = step(CaseStage::kUnderInvestigation, 0);
        if (ok && will_identify) {
          ok = step(CaseStage::kSuspectIdentified, rng.Range(2, 45) * kSecondsPerDay);
          if (ok && will_detain)
            ok = step(CaseStage::kSuspectDetained, rng.Range(1, 10) * kSecondsPerDay);
          if (ok) ok = step(CaseStage::kSolved, rng.Range(1, 4) * kSecondsPerDay);
          if (ok)
            ok = step(CaseStage::kTransferredForProsecution, rng.Range(10, 60) * kSecondsPerDay);
          if (ok) ok = step(CaseStage::kProsecuted, rng.Range(15, 35) * kSecondsPerDay);
          if (ok && rng.Chance(0.7))
            ok = step(CaseStage::kClosed, rng.Range(30, 120) * kSecondsPerDay);
        } else if (ok && rng.Chance(0.6)) {
          ok = step(CaseStage::kSuspended, rng.Range(60, 240) * kSecondsPerDay);
          if (ok && rng.Chance(0.15)) {
            ok = step(CaseStage::kReopened, rng.Range(30, 300) * kSecondsPerDay);
            if (ok) ok = step(CaseStage::kUnderInvestigation, rng.Range(1, 5) * kSecondsPerDay);
          }
        }
        const Stage last = path.back();
        cs.stage = last.stage;
        UnixSeconds detained_at = 0;
        for (const auto& p : path) {
          if (p.stage == CaseStage::kSolved) cs.solved_at = p.at;
          if (p.stage == CaseStage::kClosed) cs.closed_at = p.at;
          if (p.stage == CaseStage::kReopened) cs.reopened = cs.historic = true;
          if (p.stage == CaseStage::kSuspectDetained) detained_at = p.at;
          if (p.stage == CaseStage::kTransferredForProsecution) cs.procuratorate_unit_id = 0;
        }
        // The procuratorate of the district's city receives the case.
        for (const auto& d : kDistricts)
          if (district == d.key && cs.procuratorate_unit_id)
            cs.procuratorate_unit_id = procuratorate[d.city];
        if (const StageDeadlineRule* dl = rules.FindStageDeadline(cs.stage)) {
          cs.stage_deadline = last.at + dl->days * kSecondsPerDay;
          cs.stage_deadline_label = dl->label;
        }
        cs.updated_at = last.at;
        AEGIS_ASSIGN_OR_RETURN(long long cn,
                               r.NextSequence("case-" + FormatDate(filed).substr(0, 4)));
        cs.reference = internal::FormatReference("AJ", filed, cn);
        AEGIS_ASSIGN_OR_RETURN(cs.id, r.InsertCase(cs));
        ++summary.cases;
        c.case_id = cs.id;
        AEGIS_RETURN_IF_ERROR(r.UpdateClue(rec));

        storage::PersonRecord v;
        v.person = {0,
                    cs.id,
                    PersonRole::kVictim,
                    "V1",
                    rec.victim_sex,
                    age,
                    DutyOfCare::kNone,
                    "",
                    std::nullopt,
                    true};
        v.identity_cipher = vault.EncryptIdentity(victim, PersonIdentityContext(cs.id, "V1"));
        v.index = rec.victim_index;
        AEGIS_ASSIGN_OR_RETURN(const Id victim_id, r.InsertPerson(v));
        ++summary.persons;
        const bool has_suspect = std::any_of(path.begin(), path.end(), [](const Stage& p) {
          return p.stage == CaseStage::kSuspectIdentified;
        });
        if (has_suspect) {
          storage::PersonRecord sp;
          sp.person = {0,
                       cs.id,
                       PersonRole::kSuspect,
                       "S1",
                       Sex::kMale,
                       static_cast<int>(rng.Range(18, 60)),
                       f.duty_of_care,
                       "",
                       std::nullopt,
                       false};
          Identity si;
          si.name = PersonName(rng);
          const UnixSeconds sb = now - (*sp.person.age_at_offence) * 365 * kSecondsPerDay;
          si.date_of_birth = FormatDate(sb);
          si.id_number = FakeResidentId(rng, sb, false);
          sp.identity_plain_json = IdentityToJson(si);
          sp.index = vault.Index(si);
          if (detained_at) sp.detained_at = detained_at;
          AEGIS_RETURN_IF_ERROR(r.InsertPerson(sp).status());
          ++summary.persons;
        }
        // Checklist: what a team would have done by the stage reached.
        auto check = [&](const char* key, UnixSeconds at) {
          return r.SetChecklist(cs.id, key, std::min(at, now - 60), assignee);
        };
        AEGIS_RETURN_IF_ERROR(check("report_recorded", recv));
        const size_t reached = path.size();
        const bool transferred = cs.procuratorate_unit_id.has_value();
        if (reached >= 2) {
          const UnixSeconds base = path[1].at;
          if (transferred || rng.Chance(0.92))
            AEGIS_RETURN_IF_ERROR(check("victim_interview", base + 3600 * 6));
          if (transferred || rng.Chance(0.85))
            AEGIS_RETURN_IF_ERROR(check("scene_examination", base + 3600 * 3));
          if (transferred || rng.Chance(0.8))
            AEGIS_RETURN_IF_ERROR(check("medical_examination", base + 3600 * 10));
          if (transferred || rng.Chance(0.75))
            AEGIS_RETURN_IF_ERROR(check("evidence_kit_collected", base + 3600 * 12));
          if (f.online_dating || rng.Chance(0.3))
            AEGIS_RETURN_IF_ERROR(check("digital_evidence", base + 3 * kSecondsPerDay));
          if (rng.Chance(0.5))
            AEGIS_RETURN_IF_ERROR(check("witness_statements", base + 2 * kSecondsPerDay));
          if (rng.Chance(0.7))
            AEGIS_RETURN_IF_ERROR(check("victim_support_referral", base + kSecondsPerDay));
        }
        if (has_suspect) {
          const UnixSeconds base = path[2].at;
          AEGIS_RETURN_IF_ERROR(check("suspect_identification", base));
          if (transferred || rng.Chance(0.8))
            AEGIS_RETURN_IF_ERROR(check("suspect_interview", base + 2 * kSecondsPerDay));
        }
        AEGIS_RETURN_IF_ERROR(support.AddForCase(r, cs, victim_id, age, assignee, supervisor));
        // Timeline.
        AEGIS_RETURN_IF_ERROR(
            r.InsertEvent(
                 {0, cs.id, recv, recorder, "clue_received",
                  json{{"clue_reference", c.reference}, {"source", ToString(c.source)}}.dump()})
                .status());
        AEGIS_RETURN_IF_ERROR(
            r.InsertEvent({0, cs.id, filed, supervisor, "filed",
                           json{{"clue_reference", c.reference}, {"historic", cs.historic}}.dump()})
                .status());
        if (cs.major) {
          json keys = json::array();
          for (const auto& fl : cs.major_flags) keys.push_back(fl.rule_key);
          AEGIS_RETURN_IF_ERROR(r.InsertEvent({0, cs.id, filed, supervisor, "major_flagged",
                                               json{{"rules", keys},
                                                    {"rules_version", cs.rules_version},
                                                    {"priority", cs.priority}}
                                                   .dump()})
                                    .status());
        }
        for (size_t i = 1; i < path.size(); ++i) {
          json d = {{"from", ToString(path[i - 1].stage)}, {"to", ToString(path[i].stage)}};
          const bool needs_reason =
              path[i].stage == CaseStage::kSuspended || path[i].stage == CaseStage::kReopened;
          if (needs_reason)
            d["reason"] = path[i].stage == CaseStage::kSuspended
                              ? "穷尽侦查措施，暂无进展，中止侦查。"
                              : "发现新的证据线索，恢复侦查。";
          AEGIS_RETURN_IF_ERROR(r.InsertEvent({0, cs.id, path[i].at,
                                               path[i].stage == CaseStage::kProsecuted ||
                                                       path[i].stage == CaseStage::kClosed
                                                   ? supervisor
                                                   : assignee,
                                               "transition", d.dump()})
                                    .status());
        }
        // Actions: open cases have work in progress, some of it overdue.
        const bool open = IsOpenStage(cs.stage);
        static constexpr const char* kActionTitles[] = {
            "调取案发地周边监控录像", "询问目击证人",
            "提取并送检生物物证",     "调取通讯及网络聊天记录",
            "走访被害人就读学校",     "核查嫌疑人活动轨迹",
            "联系妇联开展心理疏导",   "制作被害人询问笔录（一站式）"};
        const int n_actions =
            open ? static_cast<int>(rng.Range(1, 4)) : static_cast<int>(rng.Range(0, 2));
        for (int i = 0; i < n_actions; ++i) {
          Action act;
          act.case_id = cs.id;
          act.title = rng.Pick(kActionTitles);
          act.owner_id = rng.Pick(officers);
          act.created_by = supervisor;
          // Open cases have current work (allocated in the last weeks); finished cases kept theirs.
          act.created_at = open ? std::max(filed, now - rng.Range(1, 25) * kSecondsPerDay)
                                : std::min(now - 120, filed + rng.Range(1, 72) * 3600);
          act.due_at = act.created_at + rng.Range(2, 20) * kSecondsPerDay;
          if (open) {
            const double st = rng.Uniform();
            act.status = st < 0.45  ? ActionStatus::kAllocated
                         : st < 0.8 ? ActionStatus::kInProgress
                                    : ActionStatus::kCompleted;
          } else {
            act.status = rng.Chance(0.8) ? ActionStatus::kReviewed : ActionStatus::kCompleted;
          }
          if (act.status == ActionStatus::kCompleted || act.status == ActionStatus::kReviewed)
            act.result = "已完成，结果已附卷。";
          act.updated_at = act.created_at;
          AEGIS_RETURN_IF_ERROR(r.InsertAction(act).status());
          ++summary.actions;
        }
        // Joint work: some open cases ask another district for help; a few form joint teams.
        if (open && rng.Chance(0.04)) {
          std::string other = rng.Pick(district_keys);
          if (other != district) {
            AssistanceRequest ar;
            ar.case_id = cs.id;
            ar.from_unit_id = station;
            ar.to_unit_id = station_of.at(other);
            ar.request = "请协助核查嫌疑人在贵辖区的落脚点及监控录像。";
            ar.status =
                rng.Chance(0.5) ? AssistanceStatus::kRequested : AssistanceStatus::kAccepted;
            ar.created_at = ar.updated_at = std::min(now - 60, filed + kSecondsPerDay);
            AEGIS_RETURN_IF_ERROR(r.InsertAssistance(ar).status());
          }
        }
        if (cs.major && rng.Chance(0.05)) {
          std::string other = rng.Pick(district_keys);
          if (other != district)
            AEGIS_RETURN_IF_ERROR(r.InsertShare(cs.id, station_of.at(other), supervisor, filed));
        }
      }
      return Status::Ok();
    }));
    done = upto;
    if (opt.progress) opt.progress(done, total);
  }
  // A recent access history for the audit search: the lead investigator and the bureau's
  // supervisor read each of the newest cases, some leads reveal the victim's identity, and now and
  // then an officer of another district opens a case (allowed only when it was shared with them).
  AEGIS_RETURN_IF_ERROR(store.Write([&](storage::Repo& r) -> Status {
    storage::CaseQuery recent;
    recent.scope.all = true;
    recent.page.sort = "filed_at";
    recent.page.limit = 2000;
    AEGIS_ASSIGN_OR_RETURN(auto cases, r.ListCases(recent));
    AEGIS_ASSIGN_OR_RETURN(auto units, r.ListUnits());
    std::vector<Id> all_officers;
    for (const auto& [station, ids] : officers_of)
      all_officers.insert(all_officers.end(), ids.begin(), ids.end());
    std::vector<storage::AuditRecord> history;
    auto add = [&](Id user, UnixSeconds at, const char* action, const char* type, Id object,
                   bool allowed, const nlohmann::json& detail) {
      storage::AuditRecord a;
      a.at = std::min(at, now - 60);
      a.user_id = user;
      a.action = action;
      a.object_type = type;
      a.object_id = object;
      a.allowed = allowed;
      a.detail = detail.dump();
      a.remote = "10.20." + std::to_string(user / 200 % 250) + "." + std::to_string(user % 200 + 2);
      history.push_back(std::move(a));
    };
    for (const Case& c : cases.items) {
      const UnixSeconds filed = c.filed_at;
      if (c.lead_investigator_id) {
        add(*c.lead_investigator_id, filed + rng.Range(600, 48 * 3600), "case.read", "case", c.id,
            true, nlohmann::json::object());
      }
      Id bureau = 0;
      for (const auto& u : units)
        if (u.id == c.unit_id && u.parent_id) bureau = *u.parent_id;
      if (supervisor_of.count(bureau)) {
        add(supervisor_of.at(bureau), filed + rng.Range(3600, 96 * 3600), "case.read", "case", c.id,
            true, nlohmann::json::object());
      }
      if (c.lead_investigator_id && rng.Chance(0.1)) {
        AEGIS_ASSIGN_OR_RETURN(auto persons, r.ListPersons(c.id));
        for (const auto& pr : persons) {
          if (pr.person.role != PersonRole::kVictim) continue;
          add(*c.lead_investigator_id, filed + rng.Range(3600, 72 * 3600), "identity.reveal",
              "person", pr.person.id, true, {{"case_id", c.id}});
          break;
        }
      }
      if (!all_officers.empty() && rng.Chance(0.05)) {
        const Id reader = rng.Pick(all_officers);
        AEGIS_ASSIGN_OR_RETURN(auto reader_user, r.GetUser(reader));
        if (reader_user && reader_user->unit_id != c.unit_id) {
          AEGIS_ASSIGN_OR_RETURN(auto shares, r.ListShares(c.id));
          const bool shared =
              std::find(shares.begin(), shares.end(), reader_user->unit_id) != shares.end();
          add(reader, filed + rng.Range(3600, 30 * 24 * 3600), "case.read", "case", c.id, shared,
              nlohmann::json::object());
        }
      }
    }
    std::stable_sort(history.begin(), history.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    return r.AppendAudit(history);
  }));
  AEGIS_RETURN_IF_ERROR(
      AddDemoAccessControls(store, vault, now, station_of.at("MISSION"), &summary));
  summary.interviews = support.interviews();
  summary.referrals = support.referrals();
  summary.survivor_reference = support.sample_reference();
  summary.survivor_code = support.sample_code();
  // One record for the whole generation, so the audit trail says where the data came from.
  AEGIS_RETURN_IF_ERROR(store.Write([&](storage::Repo& r) {
    Principal system;
    system.remote = "cli";
    return r.AppendAudit({internal::MakeAudit(
        system, now, "demo.generate", "store", std::nullopt, true,
        {{"clues", summary.clues}, {"cases", summary.cases}, {"seed", opt.seed}})});
  }));
  return summary;
}

}  // namespace aegis::services
