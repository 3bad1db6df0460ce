#!/bin/bash
# tshark_fields.sh CAPTURE — tshark's per-frame TCP analysis in the 23 columns of
# ../shared/lab/record.sh (the reference tcplens frames must match), on stdout.
exec tshark -n -r "$1" -Y tcp -T fields -E header=y -E separator=/t \
  -e frame.number -e frame.time_epoch -e tcp.stream -e tcp.flags.str -e tcp.seq -e tcp.ack -e tcp.len \
  -e tcp.analysis.retransmission -e tcp.analysis.fast_retransmission -e tcp.analysis.spurious_retransmission \
  -e tcp.analysis.out_of_order -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment \
  -e tcp.analysis.duplicate_ack -e tcp.analysis.zero_window -e tcp.analysis.zero_window_probe \
  -e tcp.analysis.zero_window_probe_ack -e tcp.analysis.window_full -e tcp.analysis.window_update \
  -e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack -e tcp.analysis.rto -e tcp.analysis.ack_rtt \
  2>/dev/null
