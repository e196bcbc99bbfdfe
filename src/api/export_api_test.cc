// Case exports through the API: preview, un-masking of pattern hits only, confirmation bound to the
// preview, download and list, scope and refusals, and no victim identity in any response.
#include <gtest/gtest.h>

#include <stdexcept>

#include "api/api.h"
#include "api/json_io.h"
#include "services/testing_fixture.h"

namespace aegis::api {
namespace {

using namespace aegis::domain;
using services::testing::ResidentId;
using services::testing::World;

const std::string kVictimId = ResidentId("440103", "20100607", "024");

class ExportApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    services::ClueInput in;
    in.summary = "受害人陈晓雨称放学途中被一男子跟踪，联系电话139 1234 5678，网名小兔子。";
    services::VictimInput v;
    v.sex = Sex::kFemale;
    v.age = 15;
    v.identity.name = "陈晓雨";
    v.identity.id_number = kVictimId;
    v.identity.phone = "13912345678";
    v.identity.address = "广州市海珠区江南大道中100号";
    in.victim = v;
    auto clue = w.services->CreateClue(w.As(w.officer1), in, nullptr);
    if (!clue.ok()) throw std::runtime_error(clue.status().ToString());
    auto filed = w.services->Decide(w.As(w.supervisor1), clue->clue.id, {});
    if (!filed.ok() || !filed->second) throw std::runtime_error("filing failed");
    case_id = filed->second->c.id;
    services::ActionInput a;
    a.title = "走访学校";
    a.description = "前往广州市第五中学了解情况，学校值班电话020-87654321。";
    auto added = w.services->AddAction(w.As(w.officer1), case_id, a);
    if (!added.ok()) throw std::runtime_error(added.status().ToString());
    services::ActionPatch done;
    done.status = ActionStatus::kCompleted;
    done.result = "班主任称晓雨近期情绪低落，家住江南大道中100号。";
    auto updated =
        w.services->UpdateAction(w.As(w.officer1), case_id, added->actions.back().action.id, done);
    if (!updated.ok()) throw std::runtime_error(updated.status().ToString());
  }

  Response Call(const std::string& method, const std::string& target, const std::string& body,
                const std::string& token) {
    api::Request r;
    r.method = method;
    r.target = "/api/v1" + target;
    r.body = body;
    if (!body.empty()) r.content_type = "application/json";
    r.authorization = "Bearer " + token;
    r.remote = "127.0.0.1";
    return api.Handle(r);
  }
  Response Post(const std::string& target, const Json& body, const std::string& token) {
    return Call("POST", target, body.dump(), token);
  }
  static Json J(const Response& r) {
    Json j = Json::parse(r.body, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("response is not JSON: " + r.body);
    return j;
  }
  std::string Login(const std::string& username) {
    const Response r =
        Post("/auth/login",
             {{"username", username}, {"password", services::testing::kTestPassword}}, "");
    EXPECT_EQ(r.status, 200) << r.body;
    return J(r).value("token", "");
  }
  static void ExpectField(const Response& r, int status, const std::string& field) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(J(r).value("field", ""), field) << r.body;
  }
  // Nothing of the victim's identity, in any of the forms it was typed in.
  static void ExpectNoIdentity(const std::string& body) {
    for (const std::string& secret :
         {std::string("陈晓雨"), std::string("晓雨"), kVictimId, std::string("13912345678"),
          std::string("139 1234 5678"), std::string("江南大道中100号")}) {
      EXPECT_EQ(body.find(secret), std::string::npos) << secret << " in " << body;
    }
  }
  std::string PreviewPath() const {
    return "/cases/" + std::to_string(case_id) + "/exports/preview";
  }
  std::string ExportsPath() const { return "/cases/" + std::to_string(case_id) + "/exports"; }
  static Json Body(Json extra = Json::object()) {
    Json body = {{"audience", "prosecution"},
                 {"recipient", "示范市人民检察院"},
                 {"purpose", "移送审查起诉"},
                 {"language", "zh"}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    return body;
  }
  // The first span with `source` (and `kind`, if given).
  static Json SpanOf(const Json& preview, const std::string& source, const std::string& kind = "") {
    for (const auto& s : preview["spans"])
      if (s["source"] == source && (kind.empty() || s["kind"] == kind)) return s;
    return nullptr;
  }

  World w;
  Api api{*w.services};
  Id case_id = 0;
};

TEST_F(ExportApiTest, PreviewMasksIdentitiesEverywhereAndShowsOnlyPatternHits) {
  const std::string token = Login("off1");
  const Response r = Post(PreviewPath(), Body(), token);
  ASSERT_EQ(r.status, 200) << r.body;
  ExpectNoIdentity(r.body);
  const Json p = J(r);
  EXPECT_EQ(p["case_id"], case_id);
  EXPECT_EQ(p["preview_hash"].get<std::string>().size(), 64u);
  EXPECT_GT(p["masked"].get<int>(), 4);
  // Identity spans (the structured fields and every typed form) carry no original text.
  const Json identity = SpanOf(p, "identity", "person_name");
  ASSERT_FALSE(identity.is_null());
  EXPECT_FALSE(identity.contains("original"));
  EXPECT_EQ(identity["placeholder"], "[姓名]");
  for (const auto& s : p["spans"])
    EXPECT_EQ(s.contains("original"), s["source"] == "pattern") << s.dump();
  // The school and the school's number are pattern hits the officer can judge.
  const Json school = SpanOf(p, "pattern", "school");
  ASSERT_FALSE(school.is_null()) << r.body;
  EXPECT_EQ(school["original"], "广州市第五中学");
  const Json phone = SpanOf(p, "pattern", "phone");
  ASSERT_FALSE(phone.is_null()) << r.body;
  EXPECT_EQ(phone["original"], "020-87654321");
  // The persons section shows pseudonyms and placeholders for the identity fields.
  bool saw_person = false;
  for (const auto& section : p["sections"]) {
    if (section["key"] != "persons") continue;
    for (const auto& item : section["items"]) {
      saw_person = true;
      EXPECT_EQ(item["fields"][0]["key"], "pseudonym");
      EXPECT_EQ(item["fields"][0]["segments"][0]["text"], "V1");
    }
  }
  EXPECT_TRUE(saw_person);
  // The summary was typed with the victim's phone spaced out: masked as her identity.
  const Json& summary = p["sections"][0]["items"][0]["fields"].back();
  ASSERT_EQ(summary["key"], "summary");
  int identity_phones = 0;
  for (const auto& seg : summary["segments"]) {
    if (!seg.contains("span")) continue;
    for (const auto& s : p["spans"])
      identity_phones +=
          s["id"] == seg["span"] && s["source"] == "identity" && s["kind"] == "phone";
  }
  EXPECT_EQ(identity_phones, 1) << summary.dump();
}

TEST_F(ExportApiTest, ConfirmStoresTheRedactedDocumentWithChosenPatternHitsUnmasked) {
  const std::string token = Login("off1");
  const Json p = J(Post(PreviewPath(), Body({{"extra_terms", {{{"text", "小兔子"}}}}}), token));
  const Json added = SpanOf(p, "added_term");
  ASSERT_FALSE(added.is_null()) << p.dump();
  EXPECT_EQ(added["kind"], "other");
  const std::string phone_id = SpanOf(p, "pattern", "phone")["id"];
  const Response created = Post(ExportsPath(),
                                Body({{"extra_terms", {{{"text", "小兔子"}}}},
                                      {"unmask", {phone_id}},
                                      {"preview_hash", p["preview_hash"]}}),
                                token);
  ASSERT_EQ(created.status, 201) << created.body;
  ExpectNoIdentity(created.body);
  const Json e = J(created);
  EXPECT_EQ(e["audience"], "prosecution");
  EXPECT_EQ(e["purpose"], "移送审查起诉");
  EXPECT_EQ(e["recipient"], "示范市人民检察院");
  EXPECT_EQ(e["unmasked_spans"], 1);
  EXPECT_EQ(e["added_terms"], 1);
  EXPECT_EQ(e["document_hash"].get<std::string>().size(), 64u);
  const std::string doc = e["document"].dump();
  EXPECT_NE(doc.find("020-87654321"), std::string::npos);  // un-masked by the officer
  EXPECT_EQ(doc.find("小兔子"), std::string::npos);        // the officer's own term
  EXPECT_NE(doc.find("[学校]"), std::string::npos);
  EXPECT_NE(doc.find("受害人[姓名]称"), std::string::npos) << doc;
  EXPECT_EQ(e["document"]["format"], "aegis.case_export.v1");

  // Downloadable by id, listed on the case (without the document), on the timeline.
  const std::string id = std::to_string(e["id"].get<Id>());
  const Response got = Call("GET", "/exports/" + id, "", token);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(J(got)["document"], e["document"]);
  const Json list = J(Call("GET", ExportsPath(), "", token));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_FALSE(list["items"][0].contains("document"));
  EXPECT_EQ(list["items"][0]["created_by"]["name"], "一所 王警官");
  const Json c = J(Call("GET", "/cases/" + std::to_string(case_id), "", token));
  EXPECT_EQ(c["timeline"].back()["kind"], "exported") << c["timeline"].dump();

  // Audited with the purpose the officer stated for the request, and the export's own purpose.
  const auto audit = w.Audit(case_id, "case");
  auto with = [&](const std::string& action) {
    return std::count_if(audit.begin(), audit.end(), [&](const storage::AuditRecord& a) {
      return a.action == action && a.allowed && a.purpose == "investigation" &&
             a.detail.find("移送审查起诉") != std::string::npos;
    });
  };
  EXPECT_EQ(with("case.export_preview"), 1);
  EXPECT_EQ(with("case.export"), 1);
  const auto reads = w.Audit(e["id"].get<Id>(), "export");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].action, "export.read");
  EXPECT_NE(reads[0].detail.find("移送审查起诉"), std::string::npos);
}

TEST_F(ExportApiTest, IdentityAndAddedTermsCannotBeUnmasked) {
  const std::string token = Login("off1");
  const Json p = J(Post(PreviewPath(), Body({{"extra_terms", {{{"text", "小兔子"}}}}}), token));
  for (const std::string source : {"identity", "added_term"}) {
    SCOPED_TRACE(source);
    const std::string id = SpanOf(p, source)["id"];
    Json body = Body({{"extra_terms", {{{"text", "小兔子"}}}}, {"unmask", {id}}});
    ExpectField(Post(PreviewPath(), body, token), 400, "unmask[0]");
    body["preview_hash"] = p["preview_hash"];
    ExpectField(Post(ExportsPath(), body, token), 400, "unmask[0]");
  }
  ExpectField(Post(PreviewPath(), Body({{"unmask", {"s9999"}}}), token), 400, "unmask[0]");
  EXPECT_EQ(J(Call("GET", ExportsPath(), "", token))["items"].size(), 0u);
}

TEST_F(ExportApiTest, AConfirmationMustMatchThePreview) {
  const std::string token = Login("off1");
  const Json p = J(Post(PreviewPath(), Body(), token));
  ExpectField(Post(ExportsPath(), Body(), token), 400, "preview_hash");
  ExpectField(Post(ExportsPath(), Body({{"preview_hash", "00"}}), token), 409, "preview_hash");
  // Other terms make another document.
  ExpectField(
      Post(ExportsPath(),
           Body({{"preview_hash", p["preview_hash"]}, {"extra_terms", {{{"text", "男子"}}}}}),
           token),
      409, "preview_hash");
  // The case changed after the preview.
  services::ActionInput a;
  a.title = "调取监控";
  ASSERT_TRUE(w.services->AddAction(w.As(w.officer1), case_id, a).ok());
  ExpectField(Post(ExportsPath(), Body({{"preview_hash", p["preview_hash"]}}), token), 409,
              "preview_hash");
  const Json again = J(Post(PreviewPath(), Body(), token));
  EXPECT_NE(again["preview_hash"], p["preview_hash"]);
  EXPECT_EQ(Post(ExportsPath(), Body({{"preview_hash", again["preview_hash"]}}), token).status,
            201);
  // A refused confirmation is on record too.
  const auto audit = w.Audit(case_id, "case");
  EXPECT_GE(std::count_if(audit.begin(), audit.end(),
                          [](const storage::AuditRecord& r) {
                            return r.action == "case.export" &&
                                   r.detail.find("conflict") != std::string::npos;
                          }),
            2);
}

TEST_F(ExportApiTest, MalformedRequestsAre400NamingTheMember) {
  const std::string token = Login("off1");
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json{{"purpose", "x"}}, "audience"},
      {Body({{"audience", "press"}}), "audience"},
      {Body({{"purpose", ""}}), "purpose"},
      {Body({{"purpose", 7}}), "purpose"},
      {Body({{"language", "fr"}}), "language"},
      {Body({{"recipient", std::string(201, 'x')}}), "recipient"},
      {Body({{"extra_terms", "小兔子"}}), "extra_terms"},
      {Body({{"extra_terms", {"小兔子"}}}), "extra_terms[0]"},
      {Body({{"extra_terms", {{{"kind", "phone"}}}}}), "extra_terms[0].text"},
      {Body({{"extra_terms", {{{"text", "   "}}}}}), "extra_terms[0].text"},
      {Body({{"extra_terms", {{{"text", std::string(101, 'x')}}}}}), "extra_terms[0].text"},
      {Body({{"extra_terms", {{{"text", "ab"}, {"kind", "secret"}}}}}), "extra_terms[0].kind"},
      {Body({{"unmask", "s1"}}), "unmask"},
      {Body({{"unmask", {1}}}), "unmask"},
  };
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body.dump());
    ExpectField(Post(PreviewPath(), body, token), 400, field);
  }
  Json many = Json::array();
  for (int i = 0; i < 51; ++i) many.push_back({{"text", "term" + std::to_string(i)}});
  ExpectField(Post(PreviewPath(), Body({{"extra_terms", many}}), token), 400, "extra_terms");
  ExpectField(Call("POST", PreviewPath(), "{", token), 400, "body");
}

TEST_F(ExportApiTest, OnlyThoseResponsibleForTheCaseExportAndOthersSeeNothing) {
  const Json ok = J(Post(PreviewPath(), Body(), Login("off1")));
  const Response created =
      Post(ExportsPath(), Body({{"preview_hash", ok["preview_hash"]}}), Login("off1"));
  ASSERT_EQ(created.status, 201);
  const std::string export_path = "/exports/" + std::to_string(J(created)["id"].get<Id>());
  // Another station's officer: the case does not exist for them, nor does its export.
  const std::string other = Login("off2");
  EXPECT_EQ(Post(PreviewPath(), Body(), other).status, 404);
  EXPECT_EQ(Post(ExportsPath(), Body({{"preview_hash", ok["preview_hash"]}}), other).status, 404);
  EXPECT_EQ(Call("GET", ExportsPath(), "", other).status, 404);
  const Response foreign = Call("GET", export_path, "", other);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(J(foreign)["detail"], J(Call("GET", "/exports/99999", "", other))["detail"]);
  // An analyst of the same station may open the case but not hand it out.
  const std::string analyst = Login("ana1");
  const Response page = Call("GET", "/cases/" + std::to_string(case_id), "", analyst);
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(J(page)["can_export"].get<bool>());
  EXPECT_TRUE(J(Call("GET", "/cases/" + std::to_string(case_id), "", Login("off1")))["can_export"]
                  .get<bool>());
  EXPECT_EQ(Post(PreviewPath(), Body(), analyst).status, 403);
  EXPECT_EQ(Call("GET", ExportsPath(), "", analyst).status, 403);
  EXPECT_EQ(Call("GET", export_path, "", analyst).status, 404);
  // A prosecutor before the transfer: no such case.
  EXPECT_EQ(Post(PreviewPath(), Body(), Login("pro1")).status, 404);
  // Refusals are audited as such.
  const auto audit = w.Audit(case_id, "case");
  EXPECT_GE(std::count_if(audit.begin(), audit.end(),
                          [](const storage::AuditRecord& r) {
                            return r.action == "case.export_preview" && !r.allowed;
                          }),
            3);
}

TEST_F(ExportApiTest, EnglishPlaceholders) {
  const Json p = J(Post(PreviewPath(), Body({{"language", "en"}}), Login("off1")));
  EXPECT_EQ(SpanOf(p, "identity", "person_name")["placeholder"], "[NAME]");
  EXPECT_EQ(p["language"], "en");
}

}  // namespace
}  // namespace aegis::api
