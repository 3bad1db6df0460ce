#include "capture/capture_folder.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "capture/file_reader.hpp"
#include "capture/tcpdump_text.hpp"

namespace tcplens {

namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// A regular file that starts like a capture (or a compressed one).
bool is_capture_file(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;  // unreadable: let the reader say why
  std::uint8_t head[kMagicBytes] = {};
  const ssize_t n = pread(fd, head, sizeof head, 0);
  ::close(fd);
  return n >= 4 && looks_like_capture(head, static_cast<std::size_t>(n));
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::string_view x = a.substr(i, ie - i), y = b.substr(j, je - j);
      const std::size_t xz = std::min(x.find_first_not_of('0'), x.size());
      const std::size_t yz = std::min(y.find_first_not_of('0'), y.size());
      std::string_view xv = x.substr(xz), yv = y.substr(yz);
      if (xv.size() != yv.size()) return xv.size() < yv.size();
      if (xv != yv) return xv < yv;
      if (x.size() != y.size()) return x.size() < y.size();
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;
}

bool list_capture_folder(const std::string& folder, FolderListing& out, std::string& error) {
  DIR* d = opendir(folder.c_str());
  if (d == nullptr) {
    error = std::strerror(errno);
    return false;
  }
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  }
  closedir(d);
  std::sort(names.begin(), names.end(), natural_less);
  const std::string prefix = folder.ends_with('/') ? folder : folder + "/";
  for (const std::string& name : names) {
    std::string path = prefix + name;
    if (is_capture_file(path)) {
      out.captures.push_back(std::move(path));
    } else {
      out.skipped.push_back(name);
    }
  }
  return true;
}

}  // namespace tcplens
