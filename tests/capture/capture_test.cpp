#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "capture/capture_file.hpp"
#include "capture/capture_folder.hpp"
#include "capture/merged_source.hpp"
#include "decode/decode.hpp"
#include "support/packet_builder.hpp"

namespace tcplens {
namespace {

using test::Bytes;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/tcplens-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name, const Bytes& bytes) const {
    std::string p = path_ + "/" + name;
    test::write_file(p, bytes);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Bytes frame_with_port(std::uint16_t sport) {
  test::TcpSpec t;
  t.sport = sport;
  t.flags = tcp_flag::syn;
  return test::ethernet_frame(t);
}

std::vector<RawFrame> read_all(FrameSource& src, ReadStatus& last) {
  std::vector<RawFrame> frames;
  RawFrame f;
  while ((last = src.next(f)) == ReadStatus::frame) frames.push_back(f);
  return frames;
}

TEST(PcapFile, MicroAndNanosecondsBothByteOrders) {
  TempDir dir;
  Bytes f = frame_with_port(1);
  for (bool ns : {false, true}) {
    Bytes img =
        test::pcap_file(1, {{1'700'000'000'123'456'000, f}, {1'700'000'001'000'000'789, f}}, ns);
    std::string error;
    auto file = CaptureFile::open(dir.file("a.pcap", img), error);
    ASSERT_TRUE(file) << error;
    ReadStatus last;
    auto frames = read_all(*file, last);
    EXPECT_EQ(last, ReadStatus::end);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].ts_ns, 1'700'000'000'123'456'000);
    EXPECT_EQ(frames[1].ts_ns, ns ? 1'700'000'001'000'000'789 : 1'700'000'001'000'000'000);
    EXPECT_EQ(frames[0].link_type, 1);
  }
  // Big-endian header and records.
  Bytes be = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0,    4,    0, 0, 0, 0,
              0,    0,    0,    0,    0, 0, 0xff, 0xff, 0, 0, 0, 1};
  test::put32(be, 5);
  test::put32(be, 7);
  test::put32(be, static_cast<std::uint32_t>(f.size()));
  test::put32(be, static_cast<std::uint32_t>(f.size()));
  be.insert(be.end(), f.begin(), f.end());
  std::string error;
  auto file = CaptureFile::open(dir.file("be.pcap", be), error);
  ASSERT_TRUE(file) << error;
  ReadStatus last;
  auto frames = read_all(*file, last);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].ts_ns, 5'000'007'000);
  EXPECT_EQ(frames[0].bytes.size(), f.size());
}

// pcapng blocks, little-endian.
void le32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void le16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void block(Bytes& out, std::uint32_t type, Bytes body) {
  while (body.size() % 4) body.push_back(0);
  auto len = static_cast<std::uint32_t>(body.size() + 12);
  le32(out, type);
  le32(out, len);
  out.insert(out.end(), body.begin(), body.end());
  le32(out, len);
}
void section(Bytes& out) {
  Bytes b;
  le32(b, 0x1a2b3c4d);
  le16(b, 1);
  le16(b, 0);
  le32(b, 0xffffffff);
  le32(b, 0xffffffff);
  block(out, 0x0a0d0d0a, b);
}
void interface(Bytes& out, std::uint16_t link, std::uint32_t snaplen, int tsresol = -1) {
  Bytes b;
  le16(b, link);
  le16(b, 0);
  le32(b, snaplen);
  if (tsresol >= 0) {
    le16(b, 9);
    le16(b, 1);
    b.insert(b.end(), {static_cast<std::uint8_t>(tsresol), 0, 0, 0});
    le32(b, 0);  // opt_endofopt
  }
  block(out, 1, b);
}
void packet(Bytes& out, std::uint32_t itf, std::uint64_t ts, const Bytes& data) {
  Bytes b;
  le32(b, itf);
  le32(b, static_cast<std::uint32_t>(ts >> 32));
  le32(b, static_cast<std::uint32_t>(ts));
  le32(b, static_cast<std::uint32_t>(data.size()));
  le32(b, static_cast<std::uint32_t>(data.size()));
  b.insert(b.end(), data.begin(), data.end());
  block(out, 6, b);
}

TEST(PcapngFile, InterfacesWithOwnLinkTypesAndResolutions) {
  TempDir dir;
  test::TcpSpec t;
  Bytes eth = test::ethernet_frame(t);
  Bytes raw = test::ip_datagram(t);
  Bytes img;
  section(img);
  interface(img, 1, 65535);                          // Ethernet, microseconds
  interface(img, 101, 8192, 9);                      // raw IP, nanoseconds, another snaplen
  block(img, 0x0badcafe, {1, 2, 3, 4, 5, 6, 7, 8});  // unknown block: skipped
  packet(img, 0, 1'700'000'000'000'001ULL, eth);
  packet(img, 1, 1'700'000'000'000'000'002ULL, raw);
  Bytes spb;
  le32(spb, static_cast<std::uint32_t>(eth.size()));
  spb.insert(spb.end(), eth.begin(), eth.end());
  block(img, 3, spb);
  std::string error;
  auto file = CaptureFile::open(dir.file("a.pcapng", img), error);
  ASSERT_TRUE(file) << error;
  ReadStatus last;
  auto frames = read_all(*file, last);
  EXPECT_EQ(last, ReadStatus::end) << file->error();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].link_type, 1);
  EXPECT_EQ(frames[0].ts_ns, 1'700'000'000'000'001'000);
  EXPECT_EQ(frames[1].link_type, 101);
  EXPECT_EQ(frames[1].ts_ns, 1'700'000'000'000'000'002);
  Segment s;
  EXPECT_EQ(decode_frame(frames[1].link_type, frames[1].bytes, frames[1].wire_len, s),
            SkipReason::none);
  EXPECT_EQ(frames[2].bytes.size(), eth.size());
}

TEST(PcapngFile, DamageIsReportedWithItsOffset) {
  TempDir dir;
  Bytes eth = test::ethernet_frame(test::TcpSpec{});
  Bytes good;
  section(good);
  interface(good, 1, 65535);
  packet(good, 0, 1, eth);
  const auto good_size = good.size();

  Bytes bad_itf = good;
  packet(bad_itf, 7, 2, eth);
  Bytes bad_len = good;
  le32(bad_len, 6);
  le32(bad_len, 13);  // not a multiple of 4
  Bytes cut = good;
  packet(cut, 0, 2, eth);
  cut.resize(cut.size() - 10);

  for (const auto& [name, img, needle] : std::vector<std::tuple<std::string, Bytes, std::string>>{
           {"itf.pcapng", bad_itf, "interface 7"},
           {"len.pcapng", bad_len, "block length"},
           {"cut.pcapng", cut, "cut short"}}) {
    std::string error;
    auto file = CaptureFile::open(dir.file(name, img), error);
    ASSERT_TRUE(file) << error;
    ReadStatus last;
    auto frames = read_all(*file, last);
    EXPECT_EQ(frames.size(), 1u) << name << ": what came before the damage is read";
    EXPECT_EQ(last, ReadStatus::error) << name;
    EXPECT_NE(file->error().find(needle), std::string::npos) << file->error();
    EXPECT_EQ(file->error_offset(), static_cast<std::int64_t>(good_size)) << name;
  }
}

// Fuzzing (fuzz/capture_fuzzer): a pcapng timestamp whose seconds do not fit in 64-bit
// nanoseconds overflowed a signed multiplication (UB). They are clamped to ±(2^62 - 1) ns now.
TEST(PcapngFile, TimestampsBeyondNanosecondRangeAreClamped) {
  TempDir dir;
  Bytes eth = test::ethernet_frame(test::TcpSpec{});
  Bytes img;
  section(img);
  interface(img, 1, 65535, 0);  // if_tsresol 0: whole seconds
  interface(img, 1, 65535);     // microseconds
  packet(img, 0, 1'700'000'000, eth);
  packet(img, 0, 37'624'266'943, eth);  // the fuzzer's: 1192 years
  packet(img, 0, ~std::uint64_t{0}, eth);
  packet(img, 1, ~std::uint64_t{0}, eth);  // 584 942 years in microseconds
  std::string error;
  auto file = CaptureFile::open(dir.file("far.pcapng", img), error);
  ASSERT_TRUE(file) << error;
  ReadStatus last;
  auto frames = read_all(*file, last);
  EXPECT_EQ(last, ReadStatus::end) << file->error();
  ASSERT_EQ(frames.size(), 4u);
  constexpr std::int64_t kLimit = (std::int64_t{1} << 62) - 1;
  EXPECT_EQ(frames[0].ts_ns, 1'700'000'000'000'000'000);
  EXPECT_EQ(frames[1].ts_ns, kLimit);
  EXPECT_EQ(frames[2].ts_ns, kLimit);
  EXPECT_EQ(frames[3].ts_ns, kLimit);
}

// The fuzzers read with small chunks to exercise the reader's refills: same frames, same bytes.
TEST(CaptureFile, SmallReadChunksReadTheSameFrames) {
  TempDir dir;
  Bytes eth = test::ethernet_frame(test::TcpSpec{});
  Bytes img;
  section(img);
  interface(img, 1, 65535);
  for (std::uint64_t i = 0; i < 20; ++i) packet(img, 0, 1'700'000'000'000'000 + i, eth);
  block(img, 0x0badcafe, Bytes(300, 7));  // an unknown block, skipped across refills
  packet(img, 0, 1'700'000'001'000'000, eth);
  std::string path = dir.file("chunks.pcapng", img);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{100}, kReadChunk}) {
    std::string error;
    int fd = ::open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    auto file = CaptureFile::open_fd(fd, path, error, chunk);
    ASSERT_TRUE(file) << error;
    RawFrame f;
    std::size_t n = 0;
    ReadStatus st;
    while ((st = file->next(f)) == ReadStatus::frame) {
      ++n;
      EXPECT_EQ(Bytes(f.bytes.begin(), f.bytes.end()), eth) << "chunk " << chunk;
    }
    EXPECT_EQ(st, ReadStatus::end) << "chunk " << chunk << ": " << file->error();
    EXPECT_EQ(n, 21u) << "chunk " << chunk;
  }
}

TEST(PcapFile, LargeMappedFileReadsEveryByteWhileItsPagesAreWarmedAndReleased) {
  // Over 64 MiB: the mapping gets a PageWarmer thread faulting pages in ahead of the cursor and
  // handing back those behind it. Every frame must still read back exactly as written, and a
  // record cut at the very end must be reported at its offset.
  TempDir dir;
  constexpr std::size_t kFrames = 76'000;
  constexpr std::uint32_t kLen = 1000;
  std::string path = dir.path() + "/large.pcap";
  {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    ASSERT_NE(out, nullptr);
    const std::uint32_t global[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    std::fwrite(global, sizeof global, 1, out);
    std::vector<std::uint64_t> body(kLen / 8);
    for (std::uint32_t i = 0; i < kFrames; ++i) {
      const std::uint32_t record[4] = {1'700'000'000 + i / 1000, i % 1000, kLen, kLen};
      std::fwrite(record, sizeof record, 1, out);
      std::fill(body.begin(), body.end(), std::uint64_t{i} * 0x9e3779b97f4a7c15ULL);
      std::fwrite(body.data(), kLen, 1, out);
    }
    const std::uint32_t cut[4] = {1'800'000'000, 0, kLen, kLen};  // its bytes never come
    std::fwrite(cut, sizeof cut, 1, out);
    std::fclose(out);
  }
  ASSERT_GT(std::filesystem::file_size(path), std::size_t{64} << 20);
  std::string error;
  auto file = CaptureFile::open(path, error);
  ASSERT_TRUE(file) << error;
  RawFrame f;
  std::uint32_t n = 0;
  std::size_t wrong = 0;
  ReadStatus st;
  while ((st = file->next(f)) == ReadStatus::frame) {
    std::uint64_t want = std::uint64_t{n} * 0x9e3779b97f4a7c15ULL;
    for (std::size_t at = 0; at + 8 <= f.bytes.size(); at += 8) {
      std::uint64_t got;
      std::memcpy(&got, f.bytes.data() + at, 8);
      wrong += got != want;
    }
    wrong += f.bytes.size() != kLen;
    ++n;
  }
  EXPECT_EQ(n, kFrames);
  EXPECT_EQ(wrong, 0u);
  EXPECT_EQ(st, ReadStatus::error);
  EXPECT_EQ(file->error_offset(), static_cast<std::int64_t>(24 + kFrames * (16 + kLen)));
}

TEST(PcapFile, BadInputs) {
  TempDir dir;
  std::string error;
  EXPECT_FALSE(CaptureFile::open(dir.file("empty.pcap", {}), error));
  EXPECT_EQ(error, "empty file");
  EXPECT_FALSE(CaptureFile::open(dir.file("text.pcap", {'h', 'e', 'l', 'l', 'o', '\n'}), error));
  EXPECT_EQ(error, "not a pcap or pcapng capture");
  EXPECT_FALSE(CaptureFile::open(dir.path(), error));
  EXPECT_EQ(error, "is a directory");
  EXPECT_FALSE(CaptureFile::open(dir.path() + "/missing", error));
  EXPECT_EQ(error, "No such file or directory");

  Bytes f = frame_with_port(1);
  Bytes img = test::pcap_file(1, {{1, f}, {2, f}});
  // Cut in the middle of the second record's header, then of its data.
  for (std::size_t cut : {24 + 16 + f.size() + 7, 24 + 16 + f.size() + 16 + 5}) {
    Bytes part(img.begin(), img.begin() + static_cast<std::ptrdiff_t>(cut));
    auto file = CaptureFile::open(dir.file("cut.pcap", part), error);
    ASSERT_TRUE(file);
    ReadStatus last;
    auto frames = read_all(*file, last);
    EXPECT_EQ(frames.size(), 1u);
    EXPECT_EQ(last, ReadStatus::error);
    EXPECT_EQ(file->error_offset(), static_cast<std::int64_t>(24 + 16 + f.size()));
  }
  // An absurd record length.
  Bytes absurd = test::pcap_file(1, {{1, f}});
  absurd[24 + 8] = 0;
  absurd[24 + 9] = 0;
  absurd[24 + 10] = 0x10;  // 1 MiB
  auto file = CaptureFile::open(dir.file("absurd.pcap", absurd), error);
  ASSERT_TRUE(file);
  ReadStatus last;
  EXPECT_TRUE(read_all(*file, last).empty());
  EXPECT_EQ(last, ReadStatus::error);
  EXPECT_NE(file->error().find("absurd"), std::string::npos);
  EXPECT_EQ(file->error_offset(), 24);
}

TEST(MergedSource, MergesByTimestampKeepingInputOrderOnTies) {
  TempDir dir;
  std::string error;
  std::vector<std::unique_ptr<FrameSource>> sources;
  sources.push_back(CaptureFile::open(dir.file("a.pcap", test::pcap_file(1,
                                                                         {{10, frame_with_port(1)},
                                                                          {30, frame_with_port(3)},
                                                                          {40, frame_with_port(5)}},
                                                                         true)),
                                      error));
  sources.push_back(CaptureFile::open(
      dir.file("b.pcap",
               test::pcap_file(1, {{20, frame_with_port(2)}, {40, frame_with_port(6)}}, true)),
      error));
  MergedSource merged(std::move(sources));
  std::vector<std::uint16_t> ports;
  RawFrame f;
  while (merged.next(f) == ReadStatus::frame) {
    Segment s;
    ASSERT_EQ(decode_frame(f.link_type, f.bytes, f.wire_len, s), SkipReason::none);
    ports.push_back(s.src_port);
  }
  EXPECT_EQ(ports, (std::vector<std::uint16_t>{1, 2, 3, 5, 6}));
}

}  // namespace
}  // namespace tcplens

namespace tcplens {
namespace {

TEST(NaturalOrder, NumbersInNamesCompareAsNumbers) {
  std::vector<std::string> names{"cap.pcap10",
                                 "cap.pcap",
                                 "cap.pcap2",
                                 "cap.pcap1",
                                 "cap-20260101T1300.pcap.gz",
                                 "cap-20260101T1200.pcap.gz",
                                 "cap.pcap02",
                                 "b9",
                                 "b10",
                                 "a"};
  std::sort(names.begin(), names.end(), natural_less);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b9", "b10", "cap-20260101T1200.pcap.gz",
                                             "cap-20260101T1300.pcap.gz", "cap.pcap", "cap.pcap1",
                                             "cap.pcap2", "cap.pcap02", "cap.pcap10"}));
}

TEST(NaturalOrder, IsAStrictTotalOrder) {
  const std::vector<std::string> names{"x1", "x01", "x001", "x1a", "x1b", "x", "x10", "y", "", "1"};
  for (const auto& a : names) {
    EXPECT_FALSE(natural_less(a, a)) << a;
    for (const auto& b : names) {
      if (a != b) {
        EXPECT_NE(natural_less(a, b), natural_less(b, a)) << a << " " << b;
      }
    }
  }
}

TEST(Compression, RecognisedByMagicNumbers) {
  auto of = [](std::initializer_list<std::uint8_t> bytes) {
    std::vector<std::uint8_t> v(bytes);
    return compression_of(v.data(), v.size());
  };
  EXPECT_EQ(of({0x1f, 0x8b, 8, 0}), Compression::gzip);
  EXPECT_EQ(of({0x28, 0xb5, 0x2f, 0xfd, 0x24}), Compression::zstd);
  EXPECT_EQ(of({0x04, 0x22, 0x4d, 0x18, 0x64}), Compression::lz4);
  EXPECT_EQ(of({0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}), Compression::xz);
  EXPECT_EQ(of({'B', 'Z', 'h', '9'}), Compression::bzip2);
  EXPECT_EQ(of({'B', 'Z', 'h', 'x'}), Compression::none);
  EXPECT_EQ(of({0xd4, 0xc3, 0xb2, 0xa1}), Compression::none);  // a pcap
  EXPECT_EQ(of({0x28, 0xb5}), Compression::none);              // too short to tell
}

}  // namespace
}  // namespace tcplens
