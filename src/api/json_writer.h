// A small append-only JSON writer for the hot read paths (case pages and lists): building an
// nlohmann::json tree first costs several hundred allocations per case page.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_string.h"

namespace aegis::api {

class JsonWriter {
 public:
  JsonWriter() : buf_(4096, '\0') {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }

  // Writes a member name; the next value call writes its value.
  JsonWriter& Key(std::string_view key) {
    Comma();
    char* out = Room(MaxJsonStringSize(key.size()) + 1);
    out = WriteJsonString(out, key);
    *out++ = ':';
    Done(out);
    after_key_ = true;
    return *this;
  }
  JsonWriter& String(std::string_view s) {
    Comma();
    Done(WriteJsonString(Room(MaxJsonStringSize(s.size())), s));
    return *this;
  }
  JsonWriter& Int(std::int64_t v) {
    Comma();
    char* out = Room(24);
    Done(std::to_chars(out, out + 24, v).ptr);
    return *this;
  }
  // The shortest text that reads back as the same double; NaN and infinities (not JSON) as null.
  JsonWriter& Double(double v) {
    Comma();
    if (v != v || v - v != 0) return Put("null");
    char* out = Room(32);
    Done(std::to_chars(out, out + 32, v).ptr);
    return *this;
  }
  JsonWriter& Bool(bool v) {
    Comma();
    return Put(v ? std::string_view("true") : std::string_view("false"));
  }
  JsonWriter& Null() {
    Comma();
    return Put("null");
  }
  // Inserts an already serialised JSON value (from our own storage) as is.
  JsonWriter& Raw(std::string_view json) {
    Comma();
    return Put(json);
  }
  template <typename T>
  JsonWriter& Optional(const std::optional<T>& v) {
    if (!v) return Null();
    if constexpr (std::is_same_v<T, double>)
      return Double(*v);
    else
      return Int(static_cast<std::int64_t>(*v));
  }

  // Convenience: Key + value.
  JsonWriter& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const std::string& v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, bool v) { return Key(k).Bool(v); }
  JsonWriter& Field(std::string_view k, int v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, long v) { return Key(k).Int(v); }
  JsonWriter& Field(std::string_view k, long long v) { return Key(k).Int(v); }

  // What has been written so far.
  std::string_view str() const { return std::string_view(buf_.data(), size_); }
  std::string Take() {
    buf_.resize(size_);
    size_ = 0;
    return std::move(buf_);
  }

 private:
  // The text is written straight into buf_, which is kept larger than what it holds (size_):
  // appends through std::string are calls into libstdc++ each, and a case page makes hundreds.
  char* Room(size_t n) {
    if (buf_.size() - size_ < n) [[unlikely]]
      Grow(n);
    return buf_.data() + size_;
  }
  [[gnu::noinline]] void Grow(size_t n) { buf_.resize(std::max(2 * buf_.size(), size_ + n)); }
  void Done(const char* end) { size_ = static_cast<size_t>(end - buf_.data()); }
  JsonWriter& Put(std::string_view text) {
    char* out = Room(text.size());
    std::memcpy(out, text.data(), text.size());
    size_ += text.size();
    return *this;
  }
  JsonWriter& Put(char c) {
    *Room(1) = c;
    ++size_;
    return *this;
  }
  JsonWriter& Open(char c) {
    Comma();
    first_.push_back(true);
    return Put(c);
  }
  JsonWriter& Close(char c) {
    first_.pop_back();
    return Put(c);
  }
  void Comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) Put(',');
      first_.back() = false;
    }
  }

  std::string buf_;
  size_t size_ = 0;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace aegis::api
