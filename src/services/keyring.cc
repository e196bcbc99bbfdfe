#include "services/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <set>

namespace aegis::services {
namespace {

constexpr std::string_view kMagic = "aegis-keyring 1\n";
constexpr std::string_view kChecksumPrefix = "checksum ";

std::string Hex(const unsigned char* data, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

bool KeyFromHex(std::string_view hex, KeyBytes* out) {
  size_t len = 0;
  return hex.size() == 2 * kKeyBytes &&
         sodium_hex2bin(out->data(), out->size(), hex.data(), hex.size(), nullptr, &len, nullptr) ==
             0 &&
         len == kKeyBytes;
}

std::string Checksum(std::string_view text) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  return Hex(hash, sizeof hash);
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename Int>
bool ParseInt(std::string_view text, Int* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

Status Corrupt(const std::string& what) {
  return Status::Internal("key file is not a valid keyring: " + what);
}

Status Errno(const std::string& what) {
  return Status::Internal(what + ": " + std::strerror(errno));
}

Status FsyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open directory " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot sync directory " + dir);
  return Status::Ok();
}

}  // namespace

std::string_view ToString(MasterKeyState state) {
  switch (state) {
    case MasterKeyState::kActive:
      return "active";
    case MasterKeyState::kRetiring:
      return "retiring";
    case MasterKeyState::kRetained:
      break;
  }
  return "retained";
}

Keyring::~Keyring() {
  sodium_memzero(index_key.data(), index_key.size());
  for (auto& k : keys) sodium_memzero(k.key.data(), k.key.size());
}

const MasterKey* Keyring::Active() const {
  for (const auto& k : keys)
    if (k.state == MasterKeyState::kActive) return &k;
  return nullptr;
}

const MasterKey* Keyring::Find(std::uint32_t id) const {
  for (const auto& k : keys)
    if (k.id == id) return &k;
  return nullptr;
}

Keyring NewKeyring(UnixSeconds now) {
  Keyring kr;
  randombytes_buf(kr.index_key.data(), kr.index_key.size());
  MasterKey k;
  k.id = 1;
  k.created_at = now;
  randombytes_buf(k.key.data(), k.key.size());
  kr.keys.push_back(k);
  sodium_memzero(k.key.data(), k.key.size());
  return kr;
}

Keyring LegacyKeyring(const KeyBytes& master) {
  Keyring kr;
  // The single-key format derived its blind-index key this way (subkey 2, context "aegisidx").
  crypto_kdf_derive_from_key(kr.index_key.data(), kr.index_key.size(), 2, "aegisidx",
                             master.data());
  MasterKey k;
  k.id = 1;
  k.legacy = true;
  k.key = master;
  kr.keys.push_back(k);
  sodium_memzero(k.key.data(), k.key.size());
  return kr;
}

std::string SerializeKeyring(const Keyring& kr) {
  std::string out(kMagic);
  out +=
      "# Aegis master keys. Secret: keep mode 0600 and back it up apart from the database.\n"
      "# master-key <id> <active|retiring|retained> <created, unix seconds> <generated|legacy> "
      "<key>\n";
  out += "index-key " + Hex(kr.index_key.data(), kr.index_key.size()) + "\n";
  for (const auto& k : kr.keys) {
    out += "master-key " + std::to_string(k.id) + " " + std::string(ToString(k.state)) + " " +
           std::to_string(k.created_at) + " " + (k.legacy ? "legacy" : "generated") + " " +
           Hex(k.key.data(), k.key.size()) + "\n";
  }
  out += std::string(kChecksumPrefix) + Checksum(out) + "\n";
  return out;
}

StatusOr<Keyring> ParseKeyring(std::string_view text) {
  if (text.substr(0, kMagic.size()) != kMagic) return Corrupt("unknown header");
  const size_t sum_at = text.rfind(kChecksumPrefix);
  if (sum_at == std::string_view::npos || (sum_at > 0 && text[sum_at - 1] != '\n'))
    return Corrupt("no checksum line");
  std::string_view sum_line = text.substr(sum_at + kChecksumPrefix.size());
  if (!sum_line.empty() && sum_line.back() == '\n') sum_line.remove_suffix(1);
  if (sum_line != Checksum(text.substr(0, sum_at)))
    return Corrupt("checksum mismatch (truncated or edited)");
  Keyring kr;
  bool have_index = false;
  std::set<std::uint32_t> ids;
  std::string_view body = text.substr(kMagic.size(), sum_at - kMagic.size());
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    const std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    const auto w = Words(line);
    if (w.empty()) continue;
    if (w[0] == "index-key" && w.size() == 2) {
      if (!KeyFromHex(w[1], &kr.index_key)) return Corrupt("bad index key");
      have_index = true;
    } else if (w[0] == "master-key" && w.size() == 6) {
      MasterKey k;
      if (!ParseInt(w[1], &k.id) || k.id == 0) return Corrupt("bad master key id");
      if (w[2] == "active") {
        k.state = MasterKeyState::kActive;
      } else if (w[2] == "retiring") {
        k.state = MasterKeyState::kRetiring;
      } else if (w[2] == "retained") {
        k.state = MasterKeyState::kRetained;
      } else {
        return Corrupt("bad state of master key " + std::to_string(k.id));
      }
      if (!ParseInt(w[3], &k.created_at)) return Corrupt("bad creation time");
      if (w[4] != "legacy" && w[4] != "generated") return Corrupt("bad key origin");
      k.legacy = w[4] == "legacy";
      if (!KeyFromHex(w[5], &k.key)) return Corrupt("bad master key " + std::to_string(k.id));
      if (!ids.insert(k.id).second) return Corrupt("master key id repeated");
      kr.keys.push_back(k);
      sodium_memzero(k.key.data(), k.key.size());
    } else {
      return Corrupt("unknown line");
    }
  }
  if (!have_index) return Corrupt("no index key");
  if (std::count_if(kr.keys.begin(), kr.keys.end(),
                    [](const MasterKey& k) { return k.state == MasterKeyState::kActive; }) != 1)
    return Corrupt("needs exactly one active master key");
  if (std::count_if(kr.keys.begin(), kr.keys.end(), [](const MasterKey& k) { return k.legacy; }) >
      1)
    return Corrupt("more than one legacy key");
  return kr;
}

StatusOr<Keyring> ReadKeyFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no key file at " + path);
    return Errno("cannot read key file " + path);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const Status st = Errno("cannot read key file " + path);
      ::close(fd);
      return st;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > (1 << 20)) break;  // no keyring is this large
  }
  sodium_memzero(buf, sizeof buf);
  ::close(fd);
  StatusOr<Keyring> out = Status::Internal("");
  if (text.size() == kKeyBytes && text.compare(0, kMagic.size(), kMagic) != 0) {
    KeyBytes master;
    std::memcpy(master.data(), text.data(), kKeyBytes);
    out = LegacyKeyring(master);
    out->single_key_file = true;
    sodium_memzero(master.data(), master.size());
  } else if (text.compare(0, kMagic.size(), kMagic) == 0) {
    out = ParseKeyring(text);
    if (!out.ok()) out = Status::Internal(path + ": " + out.status().message());
  } else {
    out = Status::Internal("key file " + path + " is neither a keyring nor a 32-byte key");
  }
  sodium_memzero(text.data(), text.size());
  return out;
}

Status WriteKeyFile(const std::string& path, const Keyring& keyring, bool create_only) {
  std::string text = SerializeKeyring(keyring);
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0) {
    sodium_memzero(text.data(), text.size());
    return Errno("cannot create a file beside " + path);
  }
  Status st;
  size_t written = 0;
  while (st.ok() && written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) st = Errno("cannot write " + tmp);
    if (n > 0) written += static_cast<size_t>(n);
  }
  sodium_memzero(text.data(), text.size());
  if (st.ok() && ::fsync(fd) != 0) st = Errno("cannot sync " + tmp);
  if (::close(fd) != 0 && st.ok()) st = Errno("cannot close " + tmp);
  if (st.ok()) {
    if (create_only) {
      if (::link(tmp.c_str(), path.c_str()) != 0) {
        st = errno == EEXIST ? Status::Conflict("key file " + path + " already exists")
                             : Errno("cannot create " + path);
      }
    } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
      st = Errno("cannot replace " + path);
    }
  }
  // After a rename the temporary name is gone; after a link or a failure it is removed here.
  ::unlink(tmp.c_str());
  if (!st.ok()) return st;
  return FsyncDirectoryOf(path);
}

Status RemoveStaleKeyFileTemps(const std::string& path) {
  const std::filesystem::path key(path);
  const std::string prefix = key.filename().string() + ".tmp.";
  std::error_code ec;
  const auto dir = key.has_parent_path() ? key.parent_path() : std::filesystem::path(".");
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) != 0) continue;
    if (!std::filesystem::remove(entry.path(), ec) && ec)
      return Status::Internal("cannot remove " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return Status::Internal("cannot list the directory of " + path + ": " + ec.message());
  return Status::Ok();
}

StatusOr<KeyFileLock> KeyFileLock::Acquire(const std::string& key_file, Mode mode) {
  const std::string path = key_file + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot open lock file " + path);
  if (::flock(fd, (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err != EWOULDBLOCK) {
      errno = err;
      return Errno("cannot lock " + path);
    }
    return Status(StatusCode::kUnavailable,
                  mode == Mode::kShared
                      ? "a key rotation is running on " + key_file + "; wait for it to finish"
                      : key_file +
                            " is in use by a running aegis (serve, demo, import or user add); "
                            "stop it before rotating keys");
  }
  return KeyFileLock(fd);
}

KeyFileLock& KeyFileLock::operator=(KeyFileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

KeyFileLock::~KeyFileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace aegis::services
