#!/bin/sh
# install every Debian package the build, the tests and the default job need.
# idempotent and non-interactive; run as root on Debian 12.
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
# no package script may start a system service (slurm, munge): policy-rc.d says 101 meanwhile
rc_policy=/usr/sbin/policy-rc.d
had_policy=0
if [ -e "$rc_policy" ]; then had_policy=1; else
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$rc_policy" >/dev/null && $SUDO chmod 755 "$rc_policy"
fi
$SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
  build-essential cmake pkg-config git ca-certificates \
  libmujoco-dev libmujoco-samples \
  libosmesa6-dev libgl-dev libegl-dev libglfw3-dev \
  libpng-dev libcjson-dev libxml2-dev zlib1g-dev \
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libcriterion-dev liblinear-dev libcairo2-dev fonts-dejavu-core \
  libwebsockets-dev libmsgpack-dev libcurl4-openssl-dev libjpeg62-turbo-dev \
  xvfb xauth python3 python3-numpy python3-scipy python3-websockets python3-msgpack python3-pil clang libclang-rt-14-dev \
  slurmctld slurmd slurm-client munge >/dev/null
if [ "$had_policy" -eq 0 ]; then $SUDO rm -f "$rc_policy"; fi
echo "bokbo: dependencies installed"
