#include "capture/file_reader.hpp"

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tcplens {

Compression compression_of(const std::uint8_t* p, std::size_t n) {
  auto starts = [&](std::initializer_list<std::uint8_t> magic) {
    return n >= magic.size() && std::equal(magic.begin(), magic.end(), p);
  };
  if (starts({0x1f, 0x8b})) return Compression::gzip;
  if (starts({0x28, 0xb5, 0x2f, 0xfd})) return Compression::zstd;
  if (starts({0x04, 0x22, 0x4d, 0x18})) return Compression::lz4;
  if (starts({0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00})) return Compression::xz;
  if (starts({'B', 'Z', 'h'}) && n >= 4 && p[3] >= '1' && p[3] <= '9') return Compression::bzip2;
  return Compression::none;
}

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::gzip:
      return "gzip";
    case Compression::zstd:
      return "zstd";
    case Compression::lz4:
      return "lz4";
    case Compression::xz:
      return "xz";
    case Compression::bzip2:
      return "bzip2";
    case Compression::none:
      break;
  }
  return "none";
}

// One compression library's stream. `run` decompresses from `in` into `out`, advancing both;
// `last` says no input follows what `in` holds. It returns false on damage (`error` says what),
// and keeps `ended` true while what was decompressed so far ends a whole stream (a gzip member,
// a zstd or LZ4 frame, an xz or bzip2 stream): an end of file there is the content's end, one
// anywhere else cuts the data short. Streams one after another (`cat a.gz b.gz`) continue the
// content.
struct FileReader::Decompressor {
  virtual ~Decompressor() = default;
  virtual bool run(std::span<const std::uint8_t>& in, std::span<std::uint8_t>& out, bool last,
                   std::string& error) = 0;
  bool ended = true;
};

namespace {

using Decompressor = FileReader::Decompressor;

struct Gzip final : Decompressor {
  z_stream z{};
  bool ok = false;
  // 15 + 16: a gzip header and trailer around deflate data, the largest window.
  Gzip() { ok = inflateInit2(&z, 15 + 16) == Z_OK; }
  ~Gzip() override { inflateEnd(&z); }
  bool run(std::span<const std::uint8_t>& in, std::span<std::uint8_t>& out, bool,
           std::string& error) override {
    if (!ok) {
      error = "cannot start gzip decompression";
      return false;
    }
    if (ended) inflateReset(&z);  // a new member (`cat a.gz b.gz`)
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT32_MAX));
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size(), UINT32_MAX));
    const int rc = inflate(&z, Z_NO_FLUSH);
    in = in.subspan(static_cast<std::size_t>(z.next_in - in.data()));
    out = out.subspan(static_cast<std::size_t>(z.next_out - out.data()));
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      error = std::string("corrupt gzip data") + (z.msg != nullptr ? ": " : "") +
              (z.msg != nullptr ? z.msg : "");
      return false;
    }
    ended = rc == Z_STREAM_END;
    return true;
  }
};

struct Zstd final : Decompressor {
  ZSTD_DStream* z = ZSTD_createDStream();
  ~Zstd() override { ZSTD_freeDStream(z); }
  bool run(std::span<const std::uint8_t>& in, std::span<std::uint8_t>& out, bool,
           std::string& error) override {
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    ZSTD_outBuffer dst{out.data(), out.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(z, &dst, &src);
    in = in.subspan(src.pos);
    out = out.subspan(dst.pos);
    if (ZSTD_isError(rc) != 0) {
      error = std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc);
      return false;
    }
    ended = rc == 0;  // a frame decoded and flushed whole
    return true;
  }
};

struct Lz4 final : Decompressor {
  LZ4F_dctx* z = nullptr;
  LZ4F_errorCode_t started = LZ4F_createDecompressionContext(&z, LZ4F_VERSION);
  ~Lz4() override { LZ4F_freeDecompressionContext(z); }
  bool run(std::span<const std::uint8_t>& in, std::span<std::uint8_t>& out, bool,
           std::string& error) override {
    if (LZ4F_isError(started) != 0) {
      error = "cannot start lz4 decompression";
      return false;
    }
    std::size_t src = in.size();
    std::size_t dst = out.size();
    const std::size_t rc = LZ4F_decompress(z, out.data(), &dst, in.data(), &src, nullptr);
    in = in.subspan(src);
    out = out.subspan(dst);
    if (LZ4F_isError(rc) != 0) {
      error = std::string("corrupt lz4 data: ") + LZ4F_getErrorName(rc);
      return false;
    }
    ended = rc == 0;  // a frame decoded and flushed whole; the next call starts another
    return true;
  }
};

struct Xz final : Decompressor {
  lzma_stream z = LZMA_STREAM_INIT;
  // Streams one after another (`cat a.xz b.xz`) continue the content.
  lzma_ret started = lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED);
  Xz() { ended = false; }  // concatenated: the end is known only when the input ends
  ~Xz() override { lzma_end(&z); }
  bool run(std::span<const std::uint8_t>& in, std::span<std::uint8_t>& out, bool last,
           std::string& error) override {
    if (started != LZMA_OK) {
      error = "cannot start xz decompression";
      return false;
    }
    z.next_in = in.data();
    z.avail_in = in.size();
    z.next_out = out.data();
    z.avail_out = out.size();
    const lzma_ret rc = lzma_code(&z, last ? LZMA_FINISH : LZMA_RUN);
    in = in.subspan(static_cast<std::size_t>(z.next_in - in.data()));
    out = out.subspan(static_cast<std::size_t>(z.next_out - out.data()));
    if (rc == LZMA_OK || rc == LZMA_STREAM_END || (rc == LZMA_BUF_ERROR && !last)) {
      ended = rc == LZMA_STREAM_END;
      return true;
    }
    error = rc == LZMA_BUF_ERROR   ? "xz data cut short"
            : rc == LZMA_MEM_ERROR ? "out of memory decompressing xz data"
                                   : "corrupt xz data";
    return false;
  }
};

struct Bzip2 final : Decompressor {
  bz_stream z{};
  bool ok = BZ2_bzDecompressInit(&z, 0, 0) == BZ_OK;
  ~Bzip2() override {
    if (ok) BZ2_bzDecompressEnd(&z);
  }
  bool run(std::span<const std::uint8_t>& in, std::span<std::uint8_t>& out, bool,
           std::string& error) override {
    if (ended && in.empty()) return true;
    if (ended && ok && z.total_in_lo32 + z.total_in_hi32 != 0) {
      // A new stream (`cat a.bz2 b.bz2`, pbzip2): libbz2 needs a new decoder for it.
      BZ2_bzDecompressEnd(&z);
      z = bz_stream{};
      ok = BZ2_bzDecompressInit(&z, 0, 0) == BZ_OK;
    }
    if (!ok) {
      error = "cannot start bzip2 decompression";
      return false;
    }
    // libbz2 wants char*, and unsigned int counts.
    z.next_in = reinterpret_cast<char*>(const_cast<std::uint8_t*>(in.data()));
    z.avail_in = static_cast<unsigned>(std::min<std::size_t>(in.size(), UINT32_MAX));
    z.next_out = reinterpret_cast<char*>(out.data());
    z.avail_out = static_cast<unsigned>(std::min<std::size_t>(out.size(), UINT32_MAX));
    const int rc = BZ2_bzDecompress(&z);
    in = in.subspan(
        static_cast<std::size_t>(reinterpret_cast<std::uint8_t*>(z.next_in) - in.data()));
    out = out.subspan(
        static_cast<std::size_t>(reinterpret_cast<std::uint8_t*>(z.next_out) - out.data()));
    if (rc != BZ_OK && rc != BZ_STREAM_END) {
      error = rc == BZ_MEM_ERROR ? "out of memory decompressing bzip2 data" : "corrupt bzip2 data";
      return false;
    }
    ended = rc == BZ_STREAM_END;
    return true;
  }
};

std::unique_ptr<Decompressor> make_decompressor(Compression c) {
  switch (c) {
    case Compression::gzip:
      return std::make_unique<Gzip>();
    case Compression::zstd:
      return std::make_unique<Zstd>();
    case Compression::lz4:
      return std::make_unique<Lz4>();
    case Compression::xz:
      return std::make_unique<Xz>();
    case Compression::bzip2:
      return std::make_unique<Bzip2>();
    case Compression::none:
      break;
  }
  return nullptr;
}

}  // namespace

FileReader::FileReader(int fd, std::size_t chunk) : fd_(fd), chunk_(chunk) {
  struct stat st {};
  std::uint8_t head[kMagicBytes] = {};
  ssize_t got = 0;
  // A compressed file is read (and decompressed) in chunks, never mapped.
  if (chunk_ >= (1u << 20) && fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (got = pread(fd_, head, sizeof head, 0)) >= 0 &&
      compression_of(head, static_cast<std::size_t>(got)) == Compression::none) {
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
  if (decompressor_) return decompress_into(dst, cap);
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
    // A pipe may hand over the first bytes one by one: the magic wants kMagicBytes of them.
    while (n < kMagicBytes && cap >= kMagicBytes) {
      const ssize_t more = ::read(fd_, dst + n, kMagicBytes - n);
      if (more < 0 && errno == EINTR) continue;
      if (more <= 0) break;
      n += static_cast<std::size_t>(more);
    }
    compression_ = compression_of(dst, n);
    if (compression_ == Compression::none) return static_cast<std::ptrdiff_t>(n);
    decompressor_ = make_decompressor(compression_);
    packed_.assign(dst, dst + n);
    packed_at_ = 0;
    packed_read_ = static_cast<std::int64_t>(n);
    return decompress_into(dst, cap);
  }
}

std::ptrdiff_t FileReader::fail_compressed(std::string why) {
  decompress_error_ = std::move(why);
  errno_ = EIO;
  return -1;
}

std::ptrdiff_t FileReader::decompress_into(std::uint8_t* dst, std::size_t cap) {
  constexpr std::size_t kIn = 256 << 10;
  if (!pending_error_.empty()) return fail_compressed(std::move(pending_error_));
  std::span<std::uint8_t> out(dst, cap);
  for (;;) {
    if (packed_at_ == packed_.size() && !packed_eof_) {
      packed_.resize(kIn);
      ssize_t got;
      do {
        got = ::read(fd_, packed_.data(), packed_.size());
      } while (got < 0 && errno == EINTR);
      if (got < 0) {
        errno_ = errno;
        return -1;
      }
      packed_.resize(static_cast<std::size_t>(got));
      packed_at_ = 0;
      packed_eof_ = got == 0;
      packed_read_ += got;
    }
    std::span<const std::uint8_t> in(packed_.data() + packed_at_, packed_.size() - packed_at_);
    if (in.empty() && packed_eof_ && decompressor_->ended)
      return 0;  // the end, after a whole stream
    const std::size_t in_before = in.size();
    std::string error;
    const bool ok = decompressor_->run(in, out, packed_eof_, error);
    packed_at_ = packed_.size() - in.size();  // an error lies where the decoder stopped
    if (!ok && out.size() != cap) {
      // What came before the damage is content: handed over first, the error on the next call.
      pending_error_ = std::move(error);
      break;
    }
    if (!ok) return fail_compressed(error);
    if (out.size() != cap) break;  // some content: hand it over
    if (in.empty() && packed_eof_ && decompressor_->ended) return 0;
    if (in.size() == in_before) {
      // Nothing taken, nothing given: the input ended inside a stream, or the decoder is stuck.
      if (packed_eof_) {
        return fail_compressed(std::string(compression_name(compression_)) + " data cut short");
      }
      if (!in.empty()) {
        return fail_compressed(std::string("corrupt ") + compression_name(compression_) + " data");
      }
    }
  }
  return static_cast<std::ptrdiff_t>(cap - out.size());
}

std::int64_t FileReader::compressed_offset() const {
  return decompressor_ ? packed_read_ - static_cast<std::int64_t>(packed_.size() - packed_at_) : 0;
}

std::string FileReader::error_text() const {
  if (!decompress_error_.empty()) return decompress_error_;
  return std::strerror(errno_);
}

}  // namespace tcplens
