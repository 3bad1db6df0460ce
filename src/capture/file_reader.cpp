#include "capture/file_reader.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tcplens {

FileReader::FileReader(int fd, std::size_t chunk) : fd_(fd), chunk_(chunk) {
  struct stat st {};
  if (chunk_ >= (1u << 20) && fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    void* m = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd_, 0);
    if (m != MAP_FAILED) {
      map_ = static_cast<std::uint8_t*>(m);
      map_size_ = static_cast<std::size_t>(st.st_size);
      madvise(map_, map_size_, MADV_SEQUENTIAL);
      data_ = map_;
      end_ = map_size_;
      eof_ = true;  // all of it is "buffered"
      if (map_size_ >= kWarmFrom) {
        warmer_ = std::make_unique<PageWarmer>(map_, map_size_);
        warmer_->advance(0);
        next_step_ = kWarmStep;
      } else {
        next_step_ = kReleaseStep;
      }
    }
  }
}

FileReader::~FileReader() {
  warmer_.reset();  // its thread touches the mapping: stopped first
  if (map_ != nullptr) munmap(map_, map_size_);
  if (fd_ > 2) ::close(fd_);
}

void FileReader::step() {
  if (map_ == nullptr) {
    next_step_ = SIZE_MAX;  // read into the buffer: nothing to hand back
  } else if (warmer_) {
    warmer_->advance(pos_);
    next_step_ = pos_ + kWarmStep;
  } else {
    release_behind();
    next_step_ = released_ + kReleaseStep;
  }
}

void FileReader::release_behind() {
  // Keep a margin behind the cursor: the views handed out last must stay readable.
  constexpr std::size_t kMargin = 4 << 20;
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::size_t upto = (pos_ - kMargin) / page * page;
  if (upto > released_) {
    madvise(map_ + released_, upto - released_, MADV_DONTNEED);
    released_ = upto;
  }
}

bool FileReader::ensure(std::size_t n) {
  while (end_ - pos_ < n) {
    if (eof_ || errno_ != 0) return false;
    // Slide what is left to the front, then fill the rest with one large read.
    data_ = buf_.data();
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    std::size_t want = std::max(n, chunk_);
    if (buf_.size() < want) buf_.resize(want);
    data_ = buf_.data();
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
