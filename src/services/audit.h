// The audit trail: every read and write of case data leaves a record. Writes are audited inside
// their own transaction (so a committed change always has its record); reads are queued and written
// in batches by a background thread, so that auditing does not halve read throughput.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/store.h"

namespace aegis::services {

class Auditor {
 public:
  explicit Auditor(storage::Store& store);
  ~Auditor();  // flushes what is queued
  Auditor(const Auditor&) = delete;
  Auditor& operator=(const Auditor&) = delete;

  // Queues a record (reads, denials); written within ~50 ms.
  void Record(storage::AuditRecord record);
  // Writes everything queued now.
  void Flush();

 private:
  void Run();
  storage::Store& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<storage::AuditRecord> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace aegis::services
