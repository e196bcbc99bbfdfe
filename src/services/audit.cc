#include "services/audit.h"

#include <chrono>

namespace aegis::services {

Auditor::Auditor(storage::Store& store) : store_(store), thread_([this] { Run(); }) {}

Auditor::~Auditor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  Flush();
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

void Auditor::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(50),
                 [&] { return stop_ || queue_.size() >= 1000; });
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace aegis::services
