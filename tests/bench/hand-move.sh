#!/bin/bash
# The hand procedure of docs/move-procedure.md ("The hand procedure"), as a
# script: run on the SOURCE global zone, as root, with a fresh ssh
# connection to the target for every remote command, polling
# `zoneadm list -pi` every 0.2 s, temporary files for the zone
# configuration and the dry-run manifest (the write-up avoids pipes between
# zone commands on 11.1). tests/bench/move copies it into the source GZ and
# runs it; every phase is time-stamped here, on stdout, as
#   T NAME UNIX-SECONDS
# (the source GZ and the machine share one clock). Anything else goes to
# stderr. Solaris 11 dialect: `zfs send -rc`, `zfs receive -e -u`.
#
# usage: hand-move.sh ZNAME ZHOST
set -u
ZNAME=$1
ZHOST=$2
ts() { printf 'T %s %s\n' "$1" "$(date +%s.%N)"; }
die() { echo "hand-move: $*" >&2; ts failed; exit 1; }
# The state of ZNAME in `zoneadm list -pi` (third field), read locally or
# through a fresh ssh connection.
state_here() { zoneadm list -pi | awk -F: -v z="$ZNAME" '$2 == z { print $3 }'; }
state_there() { ssh "$ZHOST" zoneadm list -pi | awk -F: -v z="$ZNAME" '$2 == z { print $3 }'; }

ts start
# ---- Phase 1: prepare the target
# 1. dry run: manifest on the source, checked on the target. The redirect
#    is quoted so that it happens on the target (the write-up's unquoted
#    `ssh $ZHOST cat > FILE` writes on the source; docs/move-procedure.md).
zoneadm -z "$ZNAME" detach -n > /tmp/"$ZNAME".manifest || die "detach -n"
ssh "$ZHOST" "cat > /tmp/$ZNAME.manifest" < /tmp/"$ZNAME".manifest || die "copy manifest"
ssh "$ZHOST" zoneadm attach -n /tmp/"$ZNAME".manifest >&2 || die "attach -n"
ts dry_run
# 2. configuration through temporary files; the 11.1 export prints
#    `bootargs` with blanks unquoted: the write-up repairs it with sed.
zonecfg -z "$ZNAME" export > /tmp/"$ZNAME".cfg || die "export"
sed 's/^set bootargs=\(.* .*\)$/set bootargs="\1"/' /tmp/"$ZNAME".cfg > /tmp/"$ZNAME".cfg.fixed
ssh "$ZHOST" "cat > /tmp/$ZNAME.cfg" < /tmp/"$ZNAME".cfg.fixed || die "copy cfg"
ssh "$ZHOST" zonecfg -z "$ZNAME" -f /tmp/"$ZNAME".cfg >&2 || die "zonecfg on target"
ts zonecfg
# 3. VNICs: each physical= must exist on the target; a missing one is
#    created with the MAC house rule 6 derives from the TARGET's address
#    (0:0:1:<3rd octet>:<4th octet>:<block><n>, block 1).
link=$(ssh "$ZHOST" dladm show-phys -p -o link | head -1)
addr=$(ssh "$ZHOST" ipadm show-addr -p -o addr | grep -v '^127\.' | grep '^[0-9]*\.' | head -1)
addr=${addr%/*}
o3=$(echo "$addr" | cut -d. -f3)
o4=$(echo "$addr" | cut -d. -f4)
n=0
for vnic in $(sed -n 's/^set physical=//p' /tmp/"$ZNAME".cfg); do
	if ! ssh "$ZHOST" dladm show-vnic "$vnic" > /dev/null 2>&1; then
		mac=$(printf '0:0:1:%x:%x:1%x' "$o3" "$o4" "$n")
		ssh "$ZHOST" dladm create-vnic -l "$link" -m "$mac" "$vnic" || die "create-vnic $vnic"
	fi
	n=$((n + 1))
done
ts vnics

# ---- Phase 2: copy the data
# 4. recursive snapshots while the zone runs
ts snap_begin
zfs snapshot -r rpool/zones/"$ZNAME"@move || die "snapshot"
zfs snapshot -r pool1/"$ZNAME"@move || die "snapshot"
ts snap_end
# 5. receive dry runs, then the full replication streams
zfs send -rc rpool/zones/"$ZNAME"@move | ssh "$ZHOST" zfs receive -n -v -e -u rpool/zones >&2 || die "dry run rpool"
zfs send -rc pool1/"$ZNAME"@move | ssh "$ZHOST" zfs receive -n -v -e -u pool1 >&2 || die "dry run pool1"
ts receive_dry_run
zfs send -rc rpool/zones/"$ZNAME"@move | ssh "$ZHOST" zfs receive -e -u rpool/zones || die "full rpool"
ts full_rpool
zfs send -rc pool1/"$ZNAME"@move | ssh "$ZHOST" zfs receive -e -u pool1 || die "full pool1"
ts full_pool1

# ---- the zone is down from here until it runs on the target
# 6. clean shutdown, poll until installed
ts shutdown_request
zlogin "$ZNAME" init 5 || die "init 5"
ts init_returned
while [ "$(state_here)" != installed ]; do sleep 0.2; done
ts installed_seen
# 7. second snapshot and the increments
zfs snapshot -r rpool/zones/"$ZNAME"@move1 || die "snapshot move1"
zfs snapshot -r pool1/"$ZNAME"@move1 || die "snapshot move1"
ts snap1
zfs send -rc -i @move rpool/zones/"$ZNAME"@move1 | ssh "$ZHOST" zfs receive -e -u rpool/zones || die "incr rpool"
ts incr_rpool
zfs send -rc -i @move pool1/"$ZNAME"@move1 | ssh "$ZHOST" zfs receive -e -u pool1 || die "incr pool1"
ts incr_pool1
# ---- Phase 3: switch over
# 8. attach, check installed, boot, check running
ssh "$ZHOST" zoneadm -z "$ZNAME" attach || die "attach"
ts attached
[ "$(state_there)" = installed ] || die "not installed after attach"
ts checked
ssh "$ZHOST" zoneadm -z "$ZNAME" boot || die "boot"
ts booted
while [ "$(state_there)" != running ]; do sleep 0.2; done
ts running
# 9. the source must not boot it again
zonecfg -z "$ZNAME" set autoboot=false || die "autoboot"
# 10. the target's move snapshots go
ssh "$ZHOST" "zfs destroy -r rpool/zones/$ZNAME@move && zfs destroy -r rpool/zones/$ZNAME@move1 && zfs destroy -r pool1/$ZNAME@move && zfs destroy -r pool1/$ZNAME@move1" || die "destroy snapshots"
ts end
