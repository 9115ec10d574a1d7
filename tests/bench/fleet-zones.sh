# Zones for one benchmark/test GZ (run by sh on the GZ): `web` running with
# one VNIC, `db` installed, `new` only configured: every scope of the
# capture layout has work to do.
set -e
for z in web db; do
  zfs create -o mountpoint=/zones/$z rpool/zones/$z
  chmod 700 /zones/$z
done
dladm create-vnic -l net0 -m random web0
zonecfg -z web -f - <<'CFG'
create -b
set brand=solaris
set zonepath=/zones/web
set autoboot=true
set ip-type=exclusive
add net
set physical=web0
end
CFG
zoneadm -z web install >/dev/null
zoneadm -z web boot
zonecfg -z db -f - <<'CFG'
create -b
set brand=solaris
set zonepath=/zones/db
set ip-type=exclusive
CFG
zoneadm -z db install >/dev/null
zonecfg -z new -f - <<'CFG'
create -b
set brand=solaris
set zonepath=/zones/new
CFG
