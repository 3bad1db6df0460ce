#!/bin/bash
# Installs everything tcplens needs to build and test on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  build-essential cmake ninja-build pkg-config python3 libtsan2
  libpcap-dev libcli11-dev libfmt-dev libgtest-dev zlib1g-dev
  libzstd-dev liblz4-dev liblzma-dev libbz2-dev zstd lz4 xz-utils bzip2 jq python3-pandas
  tshark tcpdump iproute2 nftables iptables ethtool chromium
  python3-dev pybind11-dev python3-numpy python3-pandas python3-pytest python3-distributed
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
