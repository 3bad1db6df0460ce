// Helpers shared by the fuzz targets: hand the fuzz input to the reader as a file descriptor,
// the way `tcplens frames` hands it a capture file.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace tcplens::fuzz {

// A descriptor of an in-memory file (memfd) holding `data`, positioned at its start. Its owner
// (the CaptureFile that reads it) closes it. One memfd is rewritten for every input and handed
// out as a dup(): creating a memfd per input would cost more than parsing it.
inline int memfd_with(const std::uint8_t* data, std::size_t size) {
  static const int base = [] {
    int fd = memfd_create("tcplens-fuzz", MFD_CLOEXEC);
    if (fd < 0) std::abort();
    return fd;
  }();
  if (::ftruncate(base, 0) != 0) std::abort();
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(base, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  if (::lseek(base, 0, SEEK_SET) != 0) std::abort();
  int fd = ::dup(base);  // shares the offset with `base`, which nothing else reads
  if (fd < 0) std::abort();
  return fd;
}

// The size of the reader's read(2) calls: 1 to 1024 bytes, chosen by the input's size, so that
// frames and blocks straddle refills (with the default 1 MiB a fuzz input is read in one go, and
// every input would allocate and fault in a 1 MiB buffer, which costs more than the parsing).
inline std::size_t read_chunk(std::size_t size) {
  return 1 + size % 1024;
}

}  // namespace tcplens::fuzz
