// Google Benchmark of the redaction engine on case notes. The notes come from
// bench/redaction_corpus.py (the same file bench/redaction_re.py masks with Python's re, see
// scripts/bench-redaction.sh): pass its path in AEGIS_REDACTION_CORPUS. Without it, a small
// built-in sample is used so that the binary runs on its own.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "engines/redaction/redaction.h"

namespace {

namespace rd = aegis::engines::redaction;

// The known terms redaction_re.py masks too (one victim's identity).
std::vector<rd::KnownTerm> Terms() {
  return {{rd::SpanKind::kPersonName, "陈晓雨"},
          {rd::SpanKind::kIdNumber, "440103201006070243"},
          {rd::SpanKind::kPhone, "+8613912345678"},
          {rd::SpanKind::kAddress, "广州市海珠区江南大道中100号"},
          {rd::SpanKind::kPersonName, "Lucy Chen"}};
}

const std::vector<std::string>& Notes() {
  static const std::vector<std::string> notes = [] {
    std::vector<std::string> out;
    if (const char* path = std::getenv("AEGIS_REDACTION_CORPUS")) {
      std::ifstream in(path);
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    }
    if (out.empty()) {
      out = {
          "2025年3月15日21时许，被害人陈晓雨（电话139-1234-"
          "5678）在海珠区江南大道中100号楼下被一男子"
          "尾随。嫌疑人王某某在恒通物流有限公司工作，手机13712345678，邮箱wang@example.cn。",
          "The victim Lucy Chen, a pupil at Riverside High School, lives at 12 Baker Street; call "
          "+44 20 7946 0958. Case AJ-2025-000045, amount 3000 yuan, 14:30 on 2025-03-15.",
          "民警于当日走访了广州市第五中学，班主任李老师反映受害人近期情绪低落，未发现其他异常情况"
          "。"};
    }
    return out;
  }();
  return notes;
}

size_t TotalBytes() {
  size_t n = 0;
  for (const auto& s : Notes()) n += s.size();
  return n;
}

// Find and Mask over every note: what an export does with each free-text field.
void BM_RedactNotes(benchmark::State& state) {
  auto redactor = rd::Redactor::Create(Terms());
  if (!redactor.ok()) {
    state.SkipWithError(redactor.status().ToString().c_str());
    return;
  }
  size_t masked = 0;
  for (auto _ : state) {
    for (const auto& note : Notes()) {
      auto spans = redactor->Find(note);
      if (!spans.ok()) {
        state.SkipWithError(spans.status().ToString().c_str());
        return;
      }
      masked += spans->size();
      benchmark::DoNotOptimize(rd::Mask(note, *spans, rd::Language::kZh));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * TotalBytes()));
  state.counters["notes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * Notes().size()), benchmark::Counter::kIsRate);
  state.counters["spans/note"] =
      static_cast<double>(masked) / static_cast<double>(state.iterations() * Notes().size());
}
BENCHMARK(BM_RedactNotes)->Unit(benchmark::kMillisecond);

// Preparing the terms of one case (folding and variants), done once per export.
void BM_CreateRedactor(benchmark::State& state) {
  const auto terms = Terms();
  for (auto _ : state) benchmark::DoNotOptimize(rd::Redactor::Create(terms));
}
BENCHMARK(BM_CreateRedactor);

}  // namespace

BENCHMARK_MAIN();
