#include "services/audit.h"

#include <chrono>

namespace aegis::services {

Auditor::Auditor(storage::Store& store, AuditorOptions options)
    : store_(store), options_(std::move(options)) {
  if (!options_.clock) options_.clock = NowSeconds;
  thread_ = std::thread([this] { Run(); });
}

Auditor::~Auditor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  // A clean shutdown leaves no record unsealed.
  (void)Checkpoint();
}

void Auditor::Record(storage::AuditRecord record) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(record));
    wake = queue_.size() >= 1000;
  }
  if (wake) cv_.notify_all();
}

void Auditor::Flush() {
  // One batch at a time: a Flush that finds the queue empty because the background thread has
  // just taken it waits until that batch is written, so that everything recorded before it is.
  std::lock_guard flushing(flush_mu_);
  std::vector<storage::AuditRecord> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return;
  // A failed audit write is retried on the next flush rather than lost.
  Status st = store_.Write([&](storage::Repo& r) { return r.AppendAudit(batch); });
  if (!st.ok()) {
    std::lock_guard lock(mu_);
    queue_.insert(queue_.begin(), batch.begin(), batch.end());
  }
}

Status Auditor::Checkpoint() {
  Flush();
  if (!options_.signer) return Status::Ok();
  return SealAuditChain(store_, *options_.signer, options_.clock()).status();
}

Status Auditor::MaybeCheckpoint() {
  if (!options_.signer) return Status::Ok();
  storage::AuditHead head;
  std::optional<storage::AuditCheckpoint> last;
  AEGIS_RETURN_IF_ERROR(store_.Read([&](storage::Repo& r) -> Status {
    AEGIS_ASSIGN_OR_RETURN(head, r.GetAuditHead());
    AEGIS_ASSIGN_OR_RETURN(last, r.LastAuditCheckpoint());
    return Status::Ok();
  }));
  if (head.seq == 0 || (last && last->seq >= head.seq)) return Status::Ok();
  // Unsealed records with no checkpoint yet (a new or migrated log) are sealed at once.
  const bool due = !last || head.seq - last->seq >= options_.checkpoint_every_records ||
                   options_.clock() - last->at >= options_.checkpoint_every_seconds;
  if (!due) return Status::Ok();
  return SealAuditChain(store_, *options_.signer, options_.clock()).status();
}

void Auditor::Run() {
  using Clock = std::chrono::steady_clock;
  auto next_check = Clock::now() + options_.checkpoint_check_interval;
  auto next_index = Clock::now() + options_.object_index_interval;
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(50),
                 [&] { return stop_ || queue_.size() >= 1000; });
    lock.unlock();
    Flush();
    if (Clock::now() >= next_check) {
      (void)MaybeCheckpoint();
      next_check = Clock::now() + options_.checkpoint_check_interval;
    }
    if (Clock::now() >= next_index) {
      // A failed pass is retried next time; lookups scan the unindexed tail meanwhile.
      (void)store_.Write([](storage::Repo& r) { return r.IndexAuditObjects().status(); });
      next_index = Clock::now() + options_.object_index_interval;
    }
    lock.lock();
  }
  lock.unlock();
  Flush();
}

}  // namespace aegis::services
