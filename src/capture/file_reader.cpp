#include "capture/file_reader.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace tcplens {

struct FileReader::Inflater {
  z_stream z{};
  std::vector<std::uint8_t> in;  // compressed bytes read, not yet inflated: [z.next_in, +avail_in)
  bool in_eof = false;           // the file has no more compressed bytes
  bool member_done = false;      // the last inflate() ended a gzip member
  std::int64_t read = 0;         // compressed bytes read from the file
  ~Inflater() { inflateEnd(&z); }
};

FileReader::FileReader(int fd, std::size_t chunk) : fd_(fd), chunk_(chunk) {
  struct stat st {};
  std::uint8_t head[2] = {};
  if (chunk_ >= (1u << 20) && fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      !(pread(fd_, head, 2, 0) == 2 && looks_like_gzip(head, 2))) {
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
    const std::ptrdiff_t got = read_content(buf_.data() + end_, buf_.size() - end_);
    if (got < 0) return false;
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

std::ptrdiff_t FileReader::read_content(std::uint8_t* dst, std::size_t cap) {
  if (inflater_) return inflate_into(dst, cap);
  for (;;) {
    const ssize_t got = ::read(fd_, dst, cap);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      errno_ = errno;
      return -1;
    }
    if (sniffed_ || got == 0) return got;
    sniffed_ = true;
    auto n = static_cast<std::size_t>(got);
    if (n < 2 && cap >= 2) {  // a pipe may hand over one byte first
      const ssize_t more = ::read(fd_, dst + n, 1);
      if (more > 0) n += static_cast<std::size_t>(more);
    }
    if (!looks_like_gzip(dst, n)) return static_cast<std::ptrdiff_t>(n);
    inflater_ = std::make_unique<Inflater>();
    // 15 + 16: a gzip header and trailer around deflate data, the largest window.
    if (inflateInit2(&inflater_->z, 15 + 16) != Z_OK) {
      inflate_error_ = "cannot start gzip decompression";
      errno_ = EIO;
      return -1;
    }
    inflater_->in.assign(dst, dst + n);
    inflater_->read = static_cast<std::int64_t>(n);
    inflater_->z.next_in = inflater_->in.data();
    inflater_->z.avail_in = static_cast<uInt>(n);
    return inflate_into(dst, cap);
  }
}

std::ptrdiff_t FileReader::inflate_into(std::uint8_t* dst, std::size_t cap) {
  Inflater& f = *inflater_;
  z_stream& z = f.z;
  constexpr std::size_t kIn = 256 << 10;
  z.next_out = dst;
  z.avail_out = static_cast<uInt>(std::min<std::size_t>(cap, UINT32_MAX));
  for (;;) {
    if (z.avail_in == 0 && !f.in_eof) {
      f.in.resize(kIn);
      ssize_t got;
      do {
        got = ::read(fd_, f.in.data(), f.in.size());
      } while (got < 0 && errno == EINTR);
      if (got < 0) {
        errno_ = errno;
        return -1;
      }
      f.in_eof = got == 0;
      f.read += got;
      z.next_in = f.in.data();
      z.avail_in = static_cast<uInt>(got);
    }
    if (f.member_done) {
      if (z.avail_in == 0) {
        if (f.in_eof) return 0;  // the end, after a complete member
        continue;
      }
      inflateReset(&z);  // `cat a.gz b.gz`: the next member continues the content
      f.member_done = false;
    }
    if (z.avail_in == 0 && f.in_eof) {
      inflate_error_ = "gzip data cut short";
      errno_ = EIO;
      return -1;
    }
    const int rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      f.member_done = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      inflate_error_ = std::string("corrupt gzip data") + (z.msg != nullptr ? ": " : "") +
                       (z.msg != nullptr ? z.msg : "");
      errno_ = EIO;
      return -1;
    }
    if (z.next_out != dst) break;  // some content: hand it over
  }
  return z.next_out - dst;
}

std::int64_t FileReader::compressed_offset() const {
  return inflater_ ? inflater_->read - inflater_->z.avail_in : 0;
}

std::string FileReader::error_text() const {
  if (!inflate_error_.empty()) return inflate_error_;
  return std::strerror(errno_);
}

}  // namespace tcplens
