// Builds one ConnectionRecord per stream from the engine's per-frame verdicts (the story's
// events). Every frame of a stream (tshark's tcp.stream) goes into its record, what comes after
// the close included. Memory per live connection: its facts, the segments in flight, and a
// bounded RTT sample; per closed connection while it lingers: its finished record only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "analysis/verdict.hpp"
#include "decode/segment.hpp"
#include "flow/connection_table.hpp"
#include "story/connection_record.hpp"

namespace tcplens {

class StoryBuilder {
 public:
  void add(const Segment& segment, const Verdict& verdict, std::int64_t ts_ns);
  // Records no more frames can join since the last call: a closed connection's (RST, or both
  // FINs acknowledged) once its 4-tuple started a new stream, and any live connection's whose
  // 4-tuple did. A closed connection lingers (its later frames still join its record) until
  // then, take_lingered() or finish().
  std::vector<ConnectionRecord> take_ended();
  // Records of the closed connections with no frame since `before_ns` (the linger, by default
  // Linux's TIME_WAIT of 60 s of capture time), in stream order.
  std::vector<ConnectionRecord> take_lingered(std::int64_t before_ns);
  // Records of the connections with no frame since `before_ns` (long idle), in stream order,
  // released as take_ended() releases them; `now_ns` is noted in each (released_idle_ns).
  std::vector<ConnectionRecord> take_idle(std::int64_t now_ns, std::int64_t before_ns);
  // The records of the streams not yet taken, in stream order. The builder is empty afterwards.
  std::vector<ConnectionRecord> finish();
  // The same records handed to `take` one at a time, each connection's state freed as its
  // record goes: at the end of a big input (every closed connection still lingering) the
  // records are never all held at once beside the state they are made from.
  template <class Take>
  void finish_each(Take&& take);
  // Frames of streams whose record was already taken (after the linger or the idle timeout).
  [[nodiscard]] std::uint64_t frames_after_end() const { return frames_after_end_; }
  [[nodiscard]] std::size_t lingering() const { return closed_.size(); }

 private:
  // The payload bytes captured of one direction, relative: from the first byte (1 after a SYN,
  // else the lowest seen) to one past the highest.
  struct DataSpan {
    bool seen = false;
    std::uint32_t low = 1, high = 1;
  };
  // A segment sent and not yet acknowledged, by relative sequence (retransmission episodes).
  struct InFlight {
    std::uint32_t seq;
    std::uint32_t end;
    std::int64_t first_ns;
    std::int32_t episode;  // index into the record's episodes, -1 while sent once
  };
  // ACK RTT samples of one side's data, evenly thinned past the cap.
  struct RttSample {
    std::vector<std::int64_t> ns;
    std::uint32_t stride = 1;  // keep every stride-th sample once the cap is reached
    std::uint64_t seen = 0;
    std::int64_t min_ns = 0;
    void add(std::int64_t x);
    RttStats stats();
  };
  struct DirectionTrack {
    std::vector<InFlight> in_flight;  // sorted by seq; [head, size) are live
    std::size_t head = 0;
    bool zero_window_open = false;
    std::size_t zero_window_stall = 0;
    SequenceReach reach;
    DataSpan data;
    std::uint32_t fin_end = 0;  // relative, one past its first FIN (when first_fin_ns >= 0)
    RttSample rtt;              // this direction's data acknowledged by the peer
    // Relative starting sequences of this direction's resends, sorted: resent_segments counts
    // them (grows with the connection's distinct resent segments, not with its frames).
    std::vector<std::uint32_t> resent_starts;
  };
  struct Tracker {
    ConnectionRecord record;  // sides indexed by analysis direction until finish()
    DirectionTrack dir[2];
    int client_direction = -1;
    std::int64_t last_syn_ns = -1;
    DiagnosisTracker diagnosis;
    FlowKey key;
  };
  // A closed connection while it lingers: its finished record (sides by Side) and what its
  // later frames need, in constant space.
  struct Closed {
    ConnectionRecord record;
    DiagnosisTracker diagnosis;  // judged when the record is taken: late frames count too
    FlowKey key;
    int client_direction = 0;  // the analysis direction of the client
    SequenceReach reach[2];    // by analysis direction
    DataSpan data[2];
    std::vector<std::uint32_t> resent_starts[2];  // by analysis direction, see DirectionTrack
  };

  void track_segment(Tracker& t, int d, const Segment& s, const Verdict& v, std::int64_t ts);
  // Notes a resend's starting sequence; true the first time (a distinct resent segment).
  static bool note_start(std::vector<std::uint32_t>& starts, std::uint32_t seq);
  void acknowledge(Tracker& t, int d, std::uint32_t ack_rel);
  // Facts every frame adds, live or closed: frames, flags, bytes, ACKed bytes, FIN and RST.
  static void count_frame(ConnectionRecord& r, SideFacts& me, SideFacts& peer, DataSpan& my_data,
                          const DataSpan& peer_data, const Segment& s, const Verdict& v,
                          std::int64_t ts);
  // The turns of `peer` an ACK covers: fully (the first such ACK) or in part (partial_ack).
  static void acknowledge_turns(std::vector<Turn>& turns, Side peer, const Segment& s,
                                const Verdict& v, std::int64_t ts);
  static void add_after_close(Closed& c, const Segment& s, const Verdict& v, std::int64_t ts);
  // A new stream on `key`: the record of its previous stream can get no more frames.
  void release_previous(const FlowKey& key, std::uint32_t stream);
  // The record from the tracker's facts, sides by Side; judged unless `judge` is false (a closed
  // connection is judged when taken).
  static ConnectionRecord complete(Tracker& t, bool judge = true);
  static ConnectionRecord take_closed(Closed& c);
  // Episodes classified and ordered, state and totals from the facts (again after late frames).
  static void settle(ConnectionRecord& r);
  // A stream taken (ended or idle): its later frames are counted, not tracked.
  void mark_ended(std::uint32_t stream);
  static void sort_by_stream(std::vector<ConnectionRecord>& records);

  std::unordered_map<std::uint32_t, Tracker> trackers_;  // live connections, by stream
  std::unordered_map<std::uint32_t, Closed> closed_;     // closed, lingering, by stream
  std::unordered_map<FlowKey, std::uint32_t, FlowKeyHash> stream_of_;  // of live and closed
  std::vector<bool> ended_;                 // one bit per stream: taken already
  std::vector<ConnectionRecord> released_;  // for take_ended()
  std::uint64_t frames_after_end_ = 0;
};

template <class Take>
void StoryBuilder::finish_each(Take&& take) {
  enum class From : std::uint8_t { live, closed, released };
  struct Left {
    std::uint32_t stream;
    From from;
    std::size_t released;  // index into released_
  };
  std::vector<Left> left;
  left.reserve(trackers_.size() + closed_.size() + released_.size());
  for (const auto& [stream, t] : trackers_) left.push_back({stream, From::live, 0});
  for (const auto& [stream, c] : closed_) left.push_back({stream, From::closed, 0});
  for (std::size_t k = 0; k < released_.size(); ++k) {
    left.push_back({released_[k].stream, From::released, k});
  }
  std::sort(left.begin(), left.end(),
            [](const Left& a, const Left& b) { return a.stream < b.stream; });
  stream_of_.clear();
  for (const Left& l : left) {
    if (l.from == From::live) {
      auto it = trackers_.find(l.stream);
      ConnectionRecord r = complete(it->second);
      trackers_.erase(it);
      take(std::move(r));
    } else if (l.from == From::closed) {
      auto it = closed_.find(l.stream);
      ConnectionRecord r = take_closed(it->second);
      closed_.erase(it);
      take(std::move(r));
    } else {
      take(std::move(released_[l.released]));
    }
  }
  released_.clear();  // the live and closed ones were erased as they went
}

}  // namespace tcplens
