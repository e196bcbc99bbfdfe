// Bad input and attack at the API level, against Api::Handle without a server (the HTTP layer's
// part, static files included, is tests/api/attack_test.py).
//
// The OpenAPI document must describe exactly the registered routes. Then every query parameter,
// every JSON string field of every request body and every {key} path segment of every route (as
// the document lists them) receives classic SQL-injection and path-traversal payloads, NUL bytes,
// overlong and invalid UTF-8, right-to-left overrides and very long strings, sent by a caller the
// access spec allows. Each answer must be a clean 4xx that names the field (400), or a normal
// answer that treats the payload as plain data; never a 5xx. Nothing stored may change unless the
// request succeeded, and the schema never changes (a checksum of every table is compared).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api/testing_authorization_spec.h"
#include "common/url.h"

namespace aegis::api::testing {
namespace {

// ---------------------------------------------------------------- the OpenAPI document

const Json& Doc() {
  static const Json doc = Json::parse(OpenApiDocument());
  return doc;
}

// Follows "$ref": "#/components/..." links.
const Json& Resolve(const Json& j) {
  const Json* cur = &j;
  for (int i = 0; i < 16 && cur->is_object() && cur->contains("$ref"); ++i) {
    std::string ref = (*cur)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) break;
    const Json* node = &Doc();
    std::stringstream ss(ref.substr(2));
    for (std::string part; std::getline(ss, part, '/');) node = &(*node)[part];
    cur = node;
  }
  return *cur;
}

bool IsType(const Json& schema, const std::string& type) {
  if (!schema.contains("type")) return type == "string" && schema.contains("enum");
  const Json& t = schema["type"];
  if (t.is_string()) return t == type;
  for (const auto& x : t)
    if (x == type) return true;
  return false;
}

// The paths of the string members of a request body schema: "summary", "facts.place",
// "present[]" (an array of strings); passwords are marked "#password" (each costs a password
// hash to check, so they get fewer payloads).
void StringFields(const Json& raw, const std::string& prefix, std::vector<std::string>* out,
                  int depth = 0) {
  if (depth > 8) return;
  const Json& schema = Resolve(raw);
  for (const char* combo : {"allOf", "oneOf", "anyOf"}) {
    if (schema.contains(combo))
      for (const auto& sub : schema[combo]) StringFields(sub, prefix, out, depth + 1);
  }
  if (schema.contains("properties")) {
    for (const auto& [name, prop] : schema["properties"].items())
      StringFields(prop, prefix.empty() ? name : prefix + "." + name, out, depth + 1);
  }
  if (IsType(schema, "array") && schema.contains("items"))
    StringFields(schema["items"], prefix + "[]", out, depth + 1);
  if (!prefix.empty() && IsType(schema, "string"))
    out->push_back(schema.value("format", "") == "password" ? prefix + "#password" : prefix);
}

struct Operation {
  std::string method, pattern;      // "GET", "cases/{id}/checklist/{key}"
  std::vector<std::string> query;   // query parameter names
  std::vector<std::string> fields;  // string fields of the JSON body
};

// Every operation of the document, with its path in the route table's form.
std::vector<Operation> Operations() {
  std::vector<Operation> out;
  for (const auto& [path, item] : Doc()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method != "get" && method != "post" && method != "put" && method != "patch" &&
          method != "delete")
        continue;
      Operation o;
      for (char c : method) o.method += static_cast<char>(std::toupper(c));
      std::map<std::string, std::string> path_types;  // path parameter -> schema type
      std::vector<Json> params;
      for (const Json* list : {&item, &op}) {
        if (list->contains("parameters"))
          for (const auto& p : (*list)["parameters"]) params.push_back(Resolve(p));
      }
      for (const Json& p : params) {
        const std::string in = p.value("in", "");
        if (in == "query") o.query.push_back(p["name"]);
        if (in == "path")
          path_types[p["name"]] = IsType(Resolve(p["schema"]), "integer") ? "id" : "key";
      }
      std::stringstream ss(path.substr(1));
      for (std::string seg; std::getline(ss, seg, '/');) {
        if (!o.pattern.empty()) o.pattern += '/';
        if (!seg.empty() && seg.front() == '{') {
          const std::string name = seg.substr(1, seg.size() - 2);
          o.pattern += "{" + (path_types.count(name) ? path_types[name] : std::string("?")) + "}";
        } else {
          o.pattern += seg;
        }
      }
      if (op.contains("requestBody")) {
        const Json& body = Resolve(op["requestBody"]);
        if (body.contains("content") && body["content"].contains("application/json"))
          StringFields(body["content"]["application/json"]["schema"], "", &o.fields);
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

TEST(OpenApi, DescribesExactlyTheRegisteredRoutes) {
  World w;
  Api api(*w.services, "t");
  std::set<std::string> routes, documented;
  for (const RouteInfo& r : api.RouteTable()) routes.insert(r.method + " " + r.path);
  for (const Operation& o : Operations()) documented.insert(o.method + " " + o.pattern);
  for (const auto& r : routes) EXPECT_TRUE(documented.count(r)) << "undocumented route: " << r;
  for (const auto& d : documented) EXPECT_TRUE(routes.count(d)) << "documented, not served: " << d;
}

// ---------------------------------------------------------------- payloads

struct Payload {
  std::string name;
  std::string bytes;
};

const std::vector<Payload>& Payloads() {
  static const std::vector<Payload> kPayloads = {
      {"sql or", "' OR 1=1 --"},
      {"sql or double", "\" OR \"\"=\""},
      {"sql drop", "\"; DROP TABLE cases; --"},
      {"sql drop single", "'; DROP TABLE cases; --"},
      {"sql union", "' UNION SELECT token_hash, user_id FROM sessions --"},
      {"sql stacked", "1; DELETE FROM persons"},
      {"sql like wildcards", "%_%"},
      {"percent-encoded quote", "%27"},
      {"traversal", "../../etc/passwd"},
      {"traversal encoded", "..%2F..%2Fetc%2Fpasswd"},
      {"traversal double-encoded", "..%252F..%252Fetc%252Fpasswd"},
      {"traversal windows", "..\\..\\windows\\win.ini"},
      {"nul byte", std::string("abc\0def", 7)},
      {"nul encoded", "%00"},
      {"overlong slash", "\xC0\xAF"},
      {"overlong dot-dot-slash", "\xC0\xAE\xC0\xAE\xC0\xAF"},
      {"invalid utf-8", "\xFF\xFE\xFD"},
      {"lone surrogate", "\xED\xA0\x80"},
      {"rtl override", "\xE2\x80\xAEgpj.exe"},
      {"html", "<script>alert(1)</script>"},
      {"long 300 KB", std::string(300 * 1024, 'A')},
  };
  return kPayloads;
}
const Payload kHuge = {"10 MB", std::string(10 * 1024 * 1024, 'A')};

// A JSON string literal of `bytes` as a client might send it: quotes, backslashes and control
// characters escaped, every other byte (invalid UTF-8 included) as is.
std::string RawJsonString(const std::string& bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

constexpr const char* kMarker = "@@PAYLOAD@@";

// Whether `body` has the member `path` ("facts.place"): a refusal naming another member the
// request sends is a clean refusal for another reason (the payload was taken as plain data).
bool HasPath(const Json& body, const std::string& path) {
  const Json* node = &body;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) {
    if (!node->is_object() || !node->contains(part)) return false;
    node = &(*node)[part];
  }
  return true;
}

// `base` with the field at `path` ("facts.place", "present[]") replaced by the payload.
std::string BodyWith(Json base, const std::string& path, const std::string& payload) {
  Json* node = &base;
  std::stringstream ss(path);
  std::vector<std::string> parts;
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string key = parts[i];
    const bool array = key.size() > 2 && key.compare(key.size() - 2, 2, "[]") == 0;
    if (array) key.resize(key.size() - 2);
    if (!node->is_object()) *node = Json::object();
    Json& child = (*node)[key];
    if (array) {
      child = Json::array({Json()});
      node = &child[0];
    } else {
      node = &child;
    }
  }
  *node = kMarker;
  std::string text = base.dump();
  const std::string quoted = std::string("\"") + kMarker + "\"";
  text.replace(text.find(quoted), quoted.size(), RawJsonString(payload));
  return text;
}

// ---------------------------------------------------------------- the database checksum

// A checksum of every row of every table but the audit trail (which grows with every request) and
// the sign-in counters (which wrong passwords change by design), and of the schema.
class Checksum {
 public:
  explicit Checksum(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open the database");
  }
  ~Checksum() { sqlite3_close(db_); }
  Checksum(const Checksum&) = delete;
  Checksum& operator=(const Checksum&) = delete;

  // Changes whenever another connection committed since the last call (PRAGMA data_version):
  // when it has not changed, nothing stored can have changed.
  bool Committed() {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db_, "PRAGMA data_version", -1, &s, nullptr);
    long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    const bool changed = v != version_;
    version_ = v;
    return changed;
  }

  std::string Schema() { return Hash("SELECT type, name, sql FROM sqlite_master ORDER BY name"); }
  std::string Data() {
    std::string out;
    std::vector<std::string> tables;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db_, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1,
                       &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW)
      tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    for (const auto& t : tables) {
      if (t.rfind("audit", 0) == 0 || t == "user_auth") continue;
      out += t + ":" + Hash("SELECT * FROM \"" + t + "\" ORDER BY 1") + ";";
    }
    return out;
  }

 private:
  std::string Hash(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return "?";
    std::uint64_t h = 1469598103934665603ULL, rows = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      ++rows;
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(s, i));
        const int n = sqlite3_column_bytes(s, i);
        for (int k = 0; k < n; ++k) h = (h ^ p[k]) * 1099511628211ULL;
        h = (h ^ 0xff) * 1099511628211ULL;
      }
    }
    sqlite3_finalize(s);
    return std::to_string(rows) + "/" + std::to_string(h);
  }
  sqlite3* db_ = nullptr;
  long long version_ = -1;
};

// ---------------------------------------------------------------- the attack

struct Caller {
  Actor actor;
  std::string object;
};

// The first caller (in the order of kActors) and object the spec allows on `row`.
std::optional<Caller> AllowedCaller(const Row& row) {
  for (Actor a : kActors) {
    if (a == Actor::kNoSession && !row.is_public) continue;
    if (a == Actor::kEnrolmentOnly && !row.enrolment) continue;
    for (const std::string& o : Objects().at(row.kind)) {
      if (o == "missing" || kSealedCases.count(o) || row.skip.count(o)) continue;
      if (row.expect(a, o) == Out::kOk) return Caller{a, o};
    }
  }
  return std::nullopt;
}

TEST(BadInput, EveryTextParameterOfEveryRouteIsRefusedCleanlyOrTakenAsPlainData) {
  MatrixWorld m;
  Matrix matrix(m);
  Checksum db((m.w.dir.path() / "aegis.db").string());
  const std::string schema = db.Schema();
  std::string data = db.Data();
  std::map<std::string, Row> rows;
  for (Row& row : Rows()) rows.emplace(RowKey(row.method, RoutePattern(row.target)), row);
  int requests = 0, fields = 0, params = 0, keys = 0;
  int remote = 0;
  for (const Operation& op : Operations()) {
    const std::string route = op.method + " " + op.pattern;
    ASSERT_TRUE(rows.count(route)) << route;
    const Row& row = rows.at(route);
    const auto caller = AllowedCaller(row);
    ASSERT_TRUE(caller) << route << ": no caller is allowed";
    const Ids ids = matrix.Resolve(row.kind, caller->object, caller->actor);
    const std::string token =
        caller->actor == Actor::kNoSession ? std::string() : m.Token(caller->actor);
    std::optional<Json> base;
    if (row.dynamic_body)
      base = row.dynamic_body(m, token, ids);
    else if (row.body)
      base = row.body(ids, caller->object);
    if (route == "POST survivor/status")
      base = Json{{"reference", m.cases.at("B").reference}, {"code", "AAAA-BBBB-CC"}};
    if (!base && !op.fields.empty()) base = Json::object();
    const std::string target = Matrix::Target(row.target, ids);
    db.Committed();
    data = db.Data();  // the caller's session may have been created just now

    auto send = [&](const std::string& what, const std::string& method, const std::string& t,
                    const std::string& body, const std::string& field) {
      ++requests;
      Request req;
      req.method = method;
      req.target = t;
      req.body = body;
      if (!body.empty()) req.content_type = "application/json";
      if (!token.empty()) req.authorization = "Bearer " + token;
      ++remote;
      req.remote = "10.8." + std::to_string(remote / 250) + "." + std::to_string(remote % 250 + 1);
      const Response res = m.api.Handle(req);
      const std::string where = route + " " + what;
      EXPECT_LT(res.status, 500) << where << ": " << Short(res.body);
      if (!res.body.empty()) {
        const Json j = Json::parse(res.body, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << where << ": the answer is not JSON";
        if (res.status == 400 && !j.is_discarded()) {
          // A clean refusal names the field: the field itself, an object it belongs to, the body
          // (not JSON at all) or, for a {key} segment, nothing (an unknown key is a 404).
          // Array elements are named with their index ("extra_terms[0].text").
          const std::string named =
              std::regex_replace(j.value("field", std::string()), std::regex(R"(\[\d+\])"), "");
          std::string plain = field;
          for (size_t p; (p = plain.find("[]")) != std::string::npos;) plain.erase(p, 2);
          // A member of the same (new) array element, required beside the payload, may be named.
          const auto parent = [](const std::string& f) { return f.substr(0, f.rfind('.') + 1); };
          const bool sibling = field.find("[]") != std::string::npos && !named.empty() &&
                               parent(named) == parent(plain) && !parent(plain).empty();
          const bool ok = named == plain || named == "body" ||
                          (!named.empty() && plain.rfind(named + ".", 0) == 0) ||
                          (!plain.empty() && named.rfind(plain + "[", 0) == 0) ||
                          (named != plain && base && HasPath(*base, named)) || sibling;
          EXPECT_TRUE(ok) << where << ": 400 names \"" << named << "\", not \"" << plain
                          << "\": " << Short(res.body);
        }
      }
      // (The audit trail is written by a background thread and left out of the checksum.)
      if (!db.Committed()) return;
      EXPECT_EQ(db.Schema(), schema) << where << ": the schema changed";
      const std::string now = db.Data();
      if (res.status >= 300 && now != data) {
        std::string changed;  // the tables whose rows differ
        std::stringstream a(data), b(now);
        for (std::string x, y; std::getline(a, x, ';') && std::getline(b, y, ';');)
          if (x != y) changed += " " + y.substr(0, y.find(':'));
        ADD_FAILURE() << where << " answered " << res.status << " but stored data changed (tables"
                      << changed << "): " << Short(res.body);
      }
      data = now;
    };

    // JSON string fields of the body.
    bool huge_sent = false;
    for (std::string field : op.fields) {
      ++fields;
      const bool password =
          field.size() > 9 && field.compare(field.size() - 9, 9, "#password") == 0;
      if (password) field.resize(field.size() - 9);
      int n = 0;
      for (const Payload& p : Payloads()) {
        if (password && ++n > 8 && p.name != "long 300 KB") continue;
        send(field + " = " + p.name, op.method, target, BodyWith(*base, field, p.bytes), field);
      }
      if (!huge_sent) {
        // Larger than any request body may be: refused before it is parsed.
        huge_sent = true;
        send(field + " = " + kHuge.name, op.method, target, BodyWith(*base, field, kHuge.bytes),
             field);
      }
    }
    // Query parameters, percent-encoded byte for byte (and once in raw form, unencoded).
    for (const std::string& q : op.query) {
      ++params;
      const std::string body = base ? base->dump() : std::string();
      for (const Payload& p : Payloads()) {
        send("?" + q + " = " + p.name, op.method, target + "?" + q + "=" + PercentEncode(p.bytes),
             body, q);
        if (PercentEncode(p.bytes) != p.bytes && p.bytes.find_first_of("%&#+") != std::string::npos)
          send("?" + q + " = raw " + p.name, op.method, target + "?" + q + "=" + p.bytes, body, q);
        else if (p.bytes.find_first_of("\x80\xC0\xE2\xED\xFF") != std::string::npos ||
                 p.bytes.find('\0') != std::string::npos)
          send("?" + q + " = raw " + p.name, op.method, target + "?" + q + "=" + p.bytes, body, q);
      }
      send("?" + q + " = " + kHuge.name, op.method,
           target + "?" + q + "=" + PercentEncode(kHuge.bytes.substr(0, 1 << 20)) +
               kHuge.bytes.substr(1 << 20),
           body, q);
    }
    // {key} path segments.
    if (row.target.find('[') != std::string::npos) {
      ++keys;
      const size_t a = target.rfind('/');
      for (const Payload& p : Payloads()) {
        send("{key} = " + p.name, op.method, target.substr(0, a + 1) + PercentEncode(p.bytes),
             base ? base->dump() : std::string(), "");
      }
    }
  }
  std::cout << "bad input: " << requests << " requests on " << fields << " body fields, " << params
            << " query parameters and " << keys << " path keys\n";
  EXPECT_GT(fields, 50);
  EXPECT_GT(params, 20);
}

}  // namespace
}  // namespace aegis::api::testing
