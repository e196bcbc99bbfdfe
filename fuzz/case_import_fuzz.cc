// libFuzzer target: the NDJSON bulk case import parser (simdjson on demand). Any input must give
// rows or a Status naming the line and member; sanitizer reports and crashes are bugs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/case_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto rows =
      aegis::api::ParseCaseNdjson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!rows.ok() && rows.status().field().empty()) __builtin_trap();
  if (rows.ok()) {
    int line = 0;
    for (const auto& row : *rows) {
      if (row.line <= line) __builtin_trap();  // lines are counted up
      line = row.line;
    }
  }
  return 0;
}
