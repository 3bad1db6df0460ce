// A folder as an input: the capture files in it (rotated `tcpdump -C/-G -w` files above all),
// in the natural order of their names, which is the order they were written in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tcplens {

// Name order with runs of digits compared as numbers: cap.pcap2 < cap.pcap10, and
// cap-20260101T1200.pcap.gz < cap-20260101T1300.pcap.gz. Equal numbers with more leading zeros
// come after; names equal in this order fall back to byte order, so the order is total.
bool natural_less(std::string_view a, std::string_view b);

struct FolderListing {
  std::vector<std::string> captures;  // paths (folder/name), in natural order
  std::vector<std::string> skipped;   // names of what is not a capture, in natural order
};

// Lists a folder's capture files: regular files (or links to them) whose first bytes are a pcap
// or pcapng file's or a compression's (gzip, zstd, lz4, xz, bzip2). Hidden files (".name", such
// as our own outputs being written) are passed over without a word; anything else (text,
// subfolders, notes, checksums) is `skipped`. False with `error` (strerror) when the folder
// cannot be read.
bool list_capture_folder(const std::string& folder, FolderListing& out, std::string& error);

}  // namespace tcplens
