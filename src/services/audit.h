// The audit trail: every read and write of case data leaves a record. Writes are audited inside
// their own transaction (so a committed change always has its record); reads are queued and written
// in batches by a background thread, so that auditing does not halve read throughput. The same
// thread seals the hash chain with signed checkpoints (services/audit_chain.h): after every
// `checkpoint_every_records` records or `checkpoint_every_seconds`, and on shutdown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "services/audit_chain.h"
#include "storage/store.h"

namespace aegis::services {

struct AuditorOptions {
  std::shared_ptr<const AuditSigner> signer;  // null: no checkpoints
  std::function<UnixSeconds()> clock;         // checkpoint times; default: the wall clock
  long long checkpoint_every_records = 1000;
  long long checkpoint_every_seconds = 60;
  // How often the background thread asks whether a checkpoint is due (one read each time).
  std::chrono::milliseconds checkpoint_check_interval{1000};
  // How often the background thread indexes new records by object, in bulk
  // (Repo::IndexAuditObjects).
  std::chrono::milliseconds object_index_interval{2000};
};

class Auditor {
 public:
  explicit Auditor(storage::Store& store, AuditorOptions options = {});
  ~Auditor();  // flushes what is queued and seals the chain
  Auditor(const Auditor&) = delete;
  Auditor& operator=(const Auditor&) = delete;

  // Queues a record (reads, denials); written within ~50 ms.
  void Record(storage::AuditRecord record);
  // Writes everything queued now (and waits for a batch the background thread is writing).
  void Flush();
  // Writes what is queued and seals the chain head now (no-op without a signer).
  Status Checkpoint();
  // Seals the chain head if enough records or time have passed since the last checkpoint.
  Status MaybeCheckpoint();

 private:
  void Run();
  storage::Store& store_;
  AuditorOptions options_;
  std::mutex flush_mu_;  // held while a batch is written (before mu_, never inside it)
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<storage::AuditRecord> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace aegis::services
