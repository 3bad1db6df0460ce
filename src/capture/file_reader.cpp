#include "capture/file_reader.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tcplens {

FileReader::~FileReader() {
  if (fd_ > 2) ::close(fd_);
}

bool FileReader::ensure(std::size_t n) {
  while (end_ - pos_ < n) {
    if (eof_ || errno_ != 0) return false;
    // Slide what is left to the front, then fill the rest with one large read.
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    std::size_t want = std::max(n, chunk_);
    if (buf_.size() < want) buf_.resize(want);
    ssize_t got = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (got < 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
      return false;
    }
    if (got == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<std::size_t>(got);
  }
  return true;
}

bool FileReader::skip(std::size_t n) {
  while (n > 0) {
    if (available() == 0 && !ensure(1)) return false;
    std::size_t step = std::min(n, available());
    consume(step);
    n -= step;
  }
  return true;
}

}  // namespace tcplens
