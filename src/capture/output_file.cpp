#include "capture/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace tcplens {

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// The path with its symbolic links followed (when it is one), so that the rename replaces the
// file the link points to, not the link.
std::string follow_links(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;  // a dangling link: replaced as a name
  std::string out = real;
  std::free(real);
  return out;
}

}  // namespace

OutputFile::~OutputFile() {
  discard();
}

void OutputFile::discard() {
  if (fd_ > STDERR_FILENO) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

bool OutputFile::open(const std::string& path, std::string& error) {
  discard();
  path_ = path;
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    return true;
  }
  target_ = follow_links(path);
  struct stat st {};
  if (stat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      error = std::strerror(EISDIR);
      return false;
    }
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd_ < 0) error = errno_text();
    return fd_ >= 0;
  }
  const std::size_t slash = target_.rfind('/');
  const std::string folder = slash == std::string::npos ? "" : target_.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? target_ : target_.substr(slash + 1);
  // A hidden name, which folder inputs skip; unique to this process and this file.
  static std::atomic<unsigned> serial{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_ = folder + "." + name + ".tcplens-" + std::to_string(::getpid()) + "-" +
            std::to_string(serial.fetch_add(1)) + ".tmp";
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return true;
    if (errno != EEXIST) break;
  }
  error = errno_text();
  temp_.clear();
  return false;
}

bool OutputFile::write(std::span<const std::uint8_t> bytes, std::string& error) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno_text() : std::strerror(EIO);
      return false;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

bool OutputFile::commit(std::string& error) {
  if (fd_ < 0) return false;
  if (temp_.empty()) {
    const bool ok = fd_ <= STDERR_FILENO || ::close(fd_) == 0;
    if (!ok) error = errno_text();
    fd_ = -1;
    return ok;
  }
  struct stat old {};
  if (stat(target_.c_str(), &old) == 0) fchmod(fd_, old.st_mode & 07777);
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0 || ::rename(temp_.c_str(), target_.c_str()) != 0) {
    error = errno_text();
    discard();
    return false;
  }
  temp_.clear();
  return true;
}

bool write_whole_file(const std::string& path, std::string_view text, std::string& error) {
  OutputFile out;
  std::string why;
  if (!out.open(path, why) || !out.write(text, why) || !out.commit(why)) {
    error = "cannot write: " + why;
    return false;
  }
  return true;
}

}  // namespace tcplens
