// Chinese (Simplified). One form per message: Chinese nouns have no plural.
#include "story/messages.hpp"

namespace tcplens {

namespace {

constexpr bool singular(std::uint64_t) {
  return false;
}

// The slots are English's (see messages_en.cpp for what each one holds).
constexpr Catalogue kChinese = make_catalogue(
    "zh", singular,
    {
        {Msg::unit_microseconds, "{0} 微秒"},
        {Msg::unit_milliseconds, "{0} 毫秒"},
        {Msg::unit_seconds, "{0} 秒"},
        {Msg::side_client, "客户端"},
        {Msg::side_server, "服务端"},
        {Msg::state_refused, "被拒绝"},
        {Msg::state_unanswered, "无应答"},
        {Msg::state_open, "仍打开"},
        {Msg::state_half_closed, "半关闭"},
        {Msg::state_closed, "已关闭"},
        {Msg::state_reset, "被重置"},
        {Msg::state_midstream, "中途开始"},
        {Msg::verdict_healthy, "健康"},
        {Msg::verdict_refused, "被拒绝"},
        {Msg::verdict_unanswered, "无应答"},
        {Msg::verdict_peer_unreachable, "对端不可达"},
        {Msg::verdict_loss_limited, "受丢包限制"},
        {Msg::verdict_receive_window_limited, "受接收窗口限制"},
        {Msg::verdict_zero_window_stalled, "因零窗口停滞"},
        {Msg::verdict_application_limited, "受应用限制"},
        {Msg::verdict_sender_limited, "受发送方自身限制"},
        {Msg::verdict_ecn_limited, "受 ECN 拥塞标记限制"},
        {Msg::stall_tail_loss_probe, "等待尾部丢包探测"},
        {Msg::stall_retransmission_timeout, "等待重传超时"},
        {Msg::stall_zero_window, "被零窗口阻塞"},
        {Msg::stall_receive_window, "被占满的接收窗口阻塞"},
        {Msg::stall_peer_silent, "等待沉默的对端"},
        {Msg::stall_application, "等待应用作答"},
        {Msg::stall_handshake, "重发 SYN"},

        {Msg::connection_header,
         "连接 {0}：客户端 {1} → 服务端 {2}，{3} 个报文，从 {5} 起持续 {4}，状态：{6}。\n"},
        {Msg::roles_guessed, "（没有看到 SYN，角色是按端口猜的：端口 {0} 一侧是服务端。）\n"},
        {Msg::refused_before,
         "在此之前，同一客户端端口的一次连接被拒绝（流 {0}）：{1} 发出的 SYN 在 {2} 后收到 RST，"
         "说明当时服务端口上没有程序在监听；{3} 后客户端才重新连接。\n"},

        {Msg::handshake_refused,
         "客户端的 SYN（ISN {0}）被服务端以 RST 拒绝，确认号 {1} = {0} + 1：端口上没有监听者。\n"},
        {Msg::handshake_unanswered, "客户端发出了 {0} 个 SYN（ISN {1}），没有收到任何回复。\n"},
        {Msg::handshake_only_client_frames,
         "抓包里只有客户端的报文，但它发出的 ACK 证明服务端回应了它的 SYN（ISN {0}）。\n"},
        {Msg::handshake_midstream,
         "抓包开始时连接已经建立，没有看到握手：相对序号和字节数从抓到的第一个数据字节算起，"
         "窗口扩大因子未知（它只在 SYN 里协商）。\n"},
        {Msg::handshake_done,
         "三次握手：客户端的 SYN 带初始序号 ISN {0}；服务端的 SYN/ACK 带自己的 ISN {1}，确认号 "
         "{2} = {0} + 1（SYN 占一个序号）；客户端的 ACK {3} = {1} + 1 完成握手"},
        {Msg::handshake_rtt, "，距 SYN {0}"},
        {Msg::handshake_done_end, "。之后双方的相对序号都从 1 开始。\n"},
        {Msg::option_mss, "MSS 客户端 {0}、服务端 {1}"},
        {Msg::option_window_scale, "窗口扩大因子 客户端 {0}（×{1}）、服务端 {2}（×{3}）"},
        {Msg::option_no_window_scale, "不使用窗口扩大"},
        {Msg::option_sack, "允许 SACK"},
        {Msg::option_no_sack, "不使用 SACK"},
        {Msg::option_timestamps, "使用时间戳"},
        {Msg::option_no_timestamps, "不使用时间戳"},
        {Msg::options_separator, "，"},
        {Msg::options_line, "协商的选项：{0}。\n"},

        {Msg::window_raw_unscaled, "{0}（原始字段，扩大因子未知：没看到 SYN）"},
        {Msg::window_scaled, "{0} 字节（{1} × 2^{2}）"},
        {Msg::window_bytes, "{0} 字节"},
        {Msg::window_down, "（比上次少 {0} 字节）"},
        {Msg::window_up, "（比上次多 {0} 字节）"},

        {Msg::data_none, "双方都没有发送数据。\n"},
        {Msg::data_heading, "数据交换（{0} 轮）：\n"},
        {Msg::turn_sent, "  · {0} {1}发送 {2} 字节（序号 {3}–{4}{5}）"},
        {Msg::turn_segments, "，{0} 个报文段"},
        {Msg::turn_no_peer_frames, "；抓包里没有{0}的报文，看不到确认。\n"},
        {Msg::turn_partly_acked,
         "；其中 {0} 字节被确认（到 ACK {1}），最后 {2} 字节没有被确认。\n"},
        {Msg::turn_never_acked, "；没有被确认。\n"},
        {Msg::ack_sum, "（= {0} + {1}）"},
        {Msg::ack_sum_with_fin, "（= {0} + {1} + 1，FIN 占一个序号）"},
        {Msg::turn_acked, "；{0}在 {1} 后用 ACK {2}{3}确认，{4}，通告窗口 {5}{6}。\n"},
        {Msg::ack_carried_by_data, "这个确认搭载在它自己的数据上"},
        {Msg::ack_bare, "是一个单独的 ACK"},
        {Msg::note_ack_of_data,
         "    注意：这个 ACK {0} 确认的是{1}的 {2} 字节数据（{3} + {2}），而不是“确认对方的 "
         "ACK”——TCP 从不确认纯 ACK，纯 ACK 不占序号。\n"},
        {Msg::turns_more, "  …… 另有 {0} 轮。\n"},

        {Msg::count_distinct_segments, "{0} 个不同的报文段"},
        {Msg::count_frames, "{0} 帧"},
        {Msg::retransmissions_line, "重传：{0} 次（{1}；tshark 把其中 {2}标为重传）。\n"},
        {Msg::count_fast_retransmissions, "快速重传 {0} 个"},
        {Msg::episodes_summary,
         "其中 {0} 个报文段的首次发送也被抓到（{1}，只重传一次的 {2} 个，指数退避 {3} 个，"
         "其他 {4} 个），{5} 个最终被确认。前 {6} 个如下。\n"},
        {Msg::episode_what_syn, "{0}的 {1}"},
        {Msg::episode_what_fin, "{0}的 FIN（序号 {1}）"},
        {Msg::episode_what_segment, "{0}的报文段（序号 {1}–{2}，{3} 字节）"},
        {Msg::episode_line,
         "重传：{0}从 {2} 起共发送了 {1} 次，{3}。相邻两次发送的间隔（秒）：{4}。"},
        {Msg::episode_acked, "最终被确认"},
        {Msg::episode_never_acked, "始终没有被确认"},
        {Msg::pattern_fast, "第一次重传发生在收到重复 ACK 之后（快速重传），距首次发送 {0}。"},
        {Msg::pattern_tail_loss_probe,
         "第一次重传在 {0} 秒后、第二次又隔了同样的 {1} 秒：第一次是尾部丢失探测（TLP，"
         "在重传定时器到期前先发一次），之后才是 RTO 超时重传。"},
        {Msg::pattern_backoff_all, "每次间隔大约翻倍：这是 RTO 的指数退避。"},
        {Msg::pattern_backoff_from,
         "从第 {0} 个间隔起（{1} 秒 → {2} 秒）每次大约翻倍：RTO 的指数退避。"},
        {Msg::pattern_capped, "间隔增长到 {0} 秒后不再翻倍，重复了 {1} 次：RTO 到了上限{2}。"},
        {Msg::pattern_capped_linux, "（与 Linux 的 TCP_RTO_MAX 120 秒相符）"},
        {Msg::pattern_linear, "开头 {0} 个间隔相同（约 {1} 秒）、随后翻倍{2}。"},
        {Msg::pattern_linear_linux6,
         "：与 Linux 6.x 的 SYN 重试方式（tcp_syn_linear_timeouts）相符"},
        {Msg::pattern_irregular, "间隔没有规律。"},
        {Msg::linux_give_up,
         "按 Linux 默认的 tcp_retries2 = 15，这样的连接会在首次发送后约 {0} 秒被放弃；"
         "抓包在首次发送后 {1} 秒结束。"},
        {Msg::linux_syn_retries,
         "（这与 Linux 的 SYN 重试相符：次数由 net.ipv4.tcp_syn_retries 决定，默认 6 次。）"},

        {Msg::zero_window, "零窗口：{0}在 {1} 通告窗口为 0（接收缓冲区满，应用没有读取），{2}。\n"},
        {Msg::zero_window_reopened, "窗口在 {0} 后重新打开"},
        {Msg::zero_window_never_reopened, "直到抓包结束都没有打开"},
        {Msg::zero_window_probes,
         "零窗口期间的 {0} 个 keep-alive 其实是 Linux 的零窗口探测（不带数据，"
         "序号比下一个期望的序号少一），对方用零窗口 ACK 回应了 {1} 个以外的探测。\n"},
        {Msg::keepalives, "保活：发送了 {0} 个 keep-alive 探测，{1} 个得到回应。\n"},

        {Msg::ending_first, "结束：{0}在 {1} 先{2}"},
        {Msg::ending_how_rst, "发送 RST 中止了连接"},
        {Msg::ending_how_fin, "发送 FIN 关闭了自己的方向"},
        {Msg::ending_fin_seq, "（FIN 的序号 {0}，紧接在它的 {1} 字节数据之后）"},
        {Msg::ending_sentence_end, "。"},
        {Msg::ending_idle_released,
         "它的最后一帧在 {0}，之后 {1} 秒没有任何帧：连接在空闲超时时被报告，"
         "状态随之释放（之后它的帧不在这个故事里）。"},
        {Msg::ending_closed, "双方都发送了 FIN，连接正常关闭。"},
        {Msg::ending_half_closed, "{0}始终没有发送 FIN：抓包结束时连接处于半关闭状态。"},
        {Msg::ending_reset,
         "连接被 RST 终止（通常是应用在还有未读数据时关闭了套接字、设置了 SO_LINGER 为零，"
         "或者对方向已关闭的套接字继续发送）。"},
        {Msg::ending_open, "抓包结束时连接仍然打开。"},
        {Msg::bytes_after_fin, "第一个 FIN 之后对方又发送了 {0} 字节。"},
        {Msg::unacked_side_unseen, "抓包里没有{1}的报文，所以看不到对{0}字节的确认。"},
        {Msg::unacked_part, "{1} {0} 字节（共 {2}，已确认 {3}）"},
        {Msg::unacked_part_separator, "，"},
        {Msg::unacked_line, "未被确认的数据：{0}。"},
        {Msg::all_acked, "全部数据都已被确认（客户端 {0} 字节，服务端 {1} 字节）。"},

        {Msg::stalls_all, "停顿 {0} 次（按时间顺序："},
        {Msg::stalls_longest, "停顿 {0} 次（最长的 {1} 次，按时间顺序："},
        {Msg::stall_item, "{0} 秒起{1}{2} {3} 秒"},
        {Msg::stall_separator, "；"},
        {Msg::stalls_end, "）。"},
        {Msg::ended_rst_after_fin,
         "连接在 FIN 之后以 RST 结束：这是常见的收尾方式（如 TLS 的 close_notify、FIN、RST），"
         "不是故障。"},
        {Msg::ended_rst, "连接被 RST 中止，之前没有 FIN；未确认的数据 {0} 字节。"},

        {Msg::diagnosis_verdict, "诊断：{0}。"},
        {Msg::time_sending, "发送中 {0} 秒"},
        {Msg::time_receive_window, "受接收窗口限制 {0} 秒"},
        {Msg::time_zero_window, "零窗口 {0} 秒"},
        {Msg::time_loss_recovery, "丢包恢复 {0} 秒"},
        {Msg::time_retransmission_timer, "等待重传定时器 {0} 秒"},
        {Msg::time_waiting_for_peer, "等待对方 {0} 秒"},
        {Msg::time_idle, "空闲 {0} 秒"},
        {Msg::time_separator, "，"},
        {Msg::time_breakdown, "{0}发送数据的 {1} 秒里：{2}；在途数据最多 {3} 字节。"},
        {Msg::sack_blocks, "对方发送了 {0} 个 SACK 块"},
        {Msg::sack_holes, "，揭示了 {0} 个空洞"},
        {Msg::sack_hole_fills, "，重传填补了 {0} 个"},
        {Msg::sentence_end, "。"},
        {Msg::count_dsack_blocks, "D-SACK 块 {0} 个"},
        {Msg::count_retransmissions, "{0} 次重传"},
        {Msg::dsack_line, "{0}，证明 {1}是多余的。"},
        {Msg::above_offload,
         "最大的报文段有 {0} 字节，超过协商的 MSS：抓包点在分段卸载（TSO/GSO/GRO）之上，"
         "这不是异常。"},
        {Msg::vantage, "从确认的时延看，抓包点靠近{0}。"},
    });

}  // namespace

template <>
const Catalogue& catalogue_of<Language::zh>() {
  return kChinese;
}

}  // namespace tcplens
