//! `zgen fix` judges a configuration as `zrules check` does: the automatic
//! `anet net0` that `create`'s Solaris 11.2+ template brings is repaired
//! like a written one.

use assert_cmd::Command;

#[test]
fn the_default_templates_anet_is_replaced_by_a_net_over_a_vnic() {
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(d.path().join(".git")).expect("git dir");
    std::fs::write(
        d.path().join("www.zonecfg"),
        "create\nset zonepath=/zones/www\nadd dataset\nset name=pool1/www/pool1\nset alias=pool1\nend\n",
    )
    .expect("write");
    let out = Command::cargo_bin("zgen")
        .expect("binary")
        .current_dir(d.path())
        .args([
            "fix",
            "--config",
            "www.zonecfg",
            "--gz-ip",
            "192.168.31.12",
            "--over",
            "net0",
            "--format",
            "zonecfg",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("remove anet linkname=net0\nadd net\n\tset physical=www"),
        "{text}"
    );
}
