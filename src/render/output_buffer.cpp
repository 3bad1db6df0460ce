#include "render/output_buffer.hpp"

#include <unistd.h>

#include <cerrno>

namespace tcplens {

OutputBuffer::OutputBuffer(int fd, std::size_t capacity) : fd_(fd), capacity_(capacity) {
  buf_.reserve(capacity_ + 4096);
}

OutputBuffer::~OutputBuffer() {
  flush();
}

void OutputBuffer::flush() {
  const char* p = buf_.data();
  std::size_t n = buf_.size();
  while (n > 0 && !closed_) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      closed_ = true;
      failed_ = errno != EPIPE;
      break;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  buf_.clear();
}

}  // namespace tcplens
