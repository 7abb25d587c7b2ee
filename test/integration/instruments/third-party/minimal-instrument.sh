#!/usr/bin/env bash
# A minimal lab instrument written from docs/protocol.md alone, with nothing but bash, sed and the
# Mosquitto command-line clients: no project code, another MQTT implementation than mqtt.js.
#
#   minimal-instrument.sh <host> <port> <instrumentId> <synthesis-robot|spm> <executed-log>
#
# Robot: synthesize, handover, halt. SPM: loadSample, approach, withdraw, hysteresisLoop (a
# rectangular loop of uint16 values whose height grows with every loop measured). Anything else is
# rejected as `unsupported`. Every command it runs is appended to <executed-log> as
# "<cmdId> <idempotencyKey> <action>", so a test can compare it with the orchestrator's command log.
set -u
host=$1 port=$2 id=$3 kind=$4 executed=$5
topic="lab/v1/$id"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
trap 'exit 143' TERM INT # so that the EXIT trap runs
mqtt=(-h "$host" -p "$port")

now_ms() { date +%s%3N; }
# A string field of a one-line JSON object (the last one of that name, so a param, not a header).
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
pub() { mosquitto_pub "${mqtt[@]}" -q 1 -t "$topic/$1" -m "$2"; }

# Status at least every heartbeat (2 s by default; every second here), retained.
heartbeat() {
  local seq=0
  while :; do
    seq=$((seq + 1))
    mosquitto_pub "${mqtt[@]}" -q 1 -r -t "$topic/status" \
      -m "{\"v\":1,\"instrumentId\":\"$id\",\"kind\":\"$kind\",\"online\":true,\"seq\":$seq,\"tsMs\":$(now_ms),\"state\":\"idle\",\"ready\":true,\"reasons\":[],\"problems\":[]}"
    sleep 1
  done
}

byte() { printf "\\x$(printf %02x "$1")"; }
# The binary DataFrame: uint32 big-endian header length, JSON header, little-endian uint16 values.
publish_loop() { # <cmdId> <dataId> <height>
  local header="{\"v\":1,\"cmdId\":\"$1\",\"dataId\":\"$2\",\"kind\":\"spectrum\",\"dtype\":\"uint16\",\"shape\":[2,4],\"rows\":[\"biasV\",\"piezoresponsePm\"]}"
  local n=${#header} v
  {
    byte $((n >> 24 & 255)); byte $((n >> 16 & 255)); byte $((n >> 8 & 255)); byte $((n & 255))
    printf %s "$header"
    for v in 0 8 8 0 0 0 "$3" "$3"; do byte $((v & 255)); byte $((v >> 8 & 255)); done
  } >"$state/frame"
  mosquitto_pub "${mqtt[@]}" -q 1 -t "$topic/data" -f "$state/frame"
}

handle() {
  local cmd=$1 cmdId action key record outputs height=""
  cmdId=$(field cmdId "$cmd")
  action=$(field action "$cmd")
  key=$(field idempotencyKey "$cmd")
  [ -n "$cmdId" ] || return 0 # nothing to answer to
  record="$state/key-$(printf %s "$key" | md5sum | cut -c1-32)"
  if [ -e "$record" ]; then # a key seen before: never run again, repeat the first result
    pub ack "{\"v\":1,\"cmdId\":\"$cmdId\",\"accepted\":true,\"duplicate\":true}"
    [ -e "$record.height" ] && publish_loop "$cmdId" "$cmdId.d0" "$(cat "$record.height")"
    pub result "{\"v\":1,\"cmdId\":\"$cmdId\",$(cat "$record")}"
    return 0
  fi
  case "$kind/$action" in
    synthesis-robot/synthesize) outputs="{\"sampleId\":\"$(field sampleId "$cmd")\",\"outcome\":\"ok\"}" ;;
    synthesis-robot/handover) outputs="{\"sampleId\":\"$(field sampleId "$cmd")\",\"to\":\"$(field to "$cmd")\"}" ;;
    synthesis-robot/halt | spm/loadSample | spm/withdraw) outputs="{}" ;;
    spm/approach) outputs='{"zPiezoNm":120}' ;;
    spm/hysteresisLoop)
      height=$((10 * ($(grep -c ' hysteresisLoop$' "$executed" 2>/dev/null || true) + 1)))
      outputs="{\"xNm\":0,\"yNm\":0}"
      ;;
    *)
      pub ack "{\"v\":1,\"cmdId\":\"$cmdId\",\"accepted\":false,\"reason\":{\"code\":\"unsupported\",\"message\":\"this instrument cannot $action\",\"field\":\"action\"}}"
      return 0
      ;;
  esac
  pub ack "{\"v\":1,\"cmdId\":\"$cmdId\",\"accepted\":true}"
  pub progress "{\"v\":1,\"cmdId\":\"$cmdId\",\"fraction\":0.5,\"etaS\":0}"
  local body="\"status\":\"succeeded\",\"outputs\":$outputs,\"finishedAtMs\":$(now_ms)"
  if [ -n "$height" ]; then
    publish_loop "$cmdId" "$cmdId.d0" "$height"
    echo "$height" >"$record.height"
    body="$body,\"dataIds\":[\"$cmdId.d0\"]"
  fi
  echo "$body" >"$record"
  echo "$cmdId $key $action" >>"$executed"
  pub result "{\"v\":1,\"cmdId\":\"$cmdId\",$body}"
}

# Subscribe first, announce after: our own probe coming back through the broker shows that the
# subscription is live, so no command sent after the first status can be missed. The connection
# carries the retained offline status as its last-will.
offline="{\"v\":1,\"instrumentId\":\"$id\",\"online\":false,\"state\":\"offline\",\"ready\":false,\"reasons\":[\"offline\"]}"
probe="minimal-instrument/$id/$$/probe"
mosquitto_sub "${mqtt[@]}" -q 1 -v -t "$topic/cmd" -t "$probe" \
  --will-topic "$topic/status" --will-payload "$offline" --will-qos 1 --will-retain |
  while read -r from message; do
    if [ "$from" = "$probe" ]; then
      [ -e "$state/announced" ] || { touch "$state/announced"; heartbeat & }
    else
      handle "$message"
    fi
  done &
until [ -e "$state/announced" ]; do
  mosquitto_pub "${mqtt[@]}" -q 0 -t "$probe" -m up
  sleep 0.2
done
wait
