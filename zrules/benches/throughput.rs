//! Parse+check throughput on a generated fleet of 10,000 zones.
//!
//! Goals (issue #2): at least 100 MB/s single-threaded for parse+check, and
//! the whole 10,000-zone fleet checked in under one second on the project's
//! 2-core machine. Criterion reports MB/s (bytes of zonecfg text) and
//! zones/s; run with `cargo bench -p zrules --bench throughput`.
//!
//! Where the time goes (perf, 2026-11-25, mimalloc): the syntax tree runs
//! at about 120 MiB/s; building the typed model costs as much again, mostly
//! allocating the owned names and values (since 2026-12-02 they are inline
//! 16-byte texts, for memory: the model stage measured 27.5 ms beside
//! 25.3 ms before on a loaded machine, `check::run` as a whole 48–53 ms
//! beside 52–59 ms, the same instruction count); the checks then
//! spend their time formatting expected values and recording skipped checks
//! (14 per zone when no capture is given). The system allocator was then a
//! third slower overall.
//!
//! Since the third memory round (2026-12-02) the model allocates nothing per
//! name or value (it reads them from the shared source), a skipped check
//! allocates nothing for zone names of up to 15 bytes, and a text's line
//! index is built only when a finding is placed in it. That made room to
//! drop mimalloc for the system allocator, which holds far less memory on
//! large inputs (`benches/memory.rs`): valgrind counts 646 M instructions
//! for `zrules check` of this fleet written to files (see `main`), against
//! 654 M before the round with mimalloc, every output format byte for byte
//! the same. Checking is per zone and embarrassingly parallel if the
//! wall-time goal ever needs it.

use std::hint::black_box;

// The system allocator, as the binaries use.

use criterion::{Criterion, Throughput, criterion_group};
use zrules::check::{CheckInput, ConfigInput, run};
use zrules::policy::Policy;
use zrules::zonecfg;

/// A fleet of `n` zones, varied the way real fleets are: most compliant,
/// some with extra VNICs, datasets, fs mounts, rctls and the odd violation.
fn fleet(n: usize) -> Vec<ConfigInput> {
    (0..n)
        .map(|i| {
            let zone = format!("z{i:05}");
            let mut t = format!(
                "create -b\nset brand=solaris\nset zonepath=/zones/{zone}\nset autoboot=true\nset ip-type=exclusive\n"
            );
            if i % 7 == 0 {
                t.push_str("set bootargs=\"-m verbose\"\nset limitpriv=default,dtrace_proc,dtrace_user\n");
            }
            for v in 0..(1 + i % 3) {
                t.push_str(&format!("add net\nset physical={zone}{v}\nend\n"));
            }
            t.push_str(&format!("add dataset\nset name=pool1/{zone}/pool1\nset alias=pool1\nend\n"));
            if i % 4 == 0 {
                t.push_str(&format!("add dataset\nset name=pool2/{zone}/pool2\nset alias=pool2\nend\n"));
            }
            if i % 5 == 0 {
                t.push_str("add fs\nset dir=/export/data\nset special=/pool1/data\nset type=lofs\nadd options ro\nadd options nodevices\nend\n");
            }
            if i % 3 == 0 {
                t.push_str("add rctl\nset name=zone.cpu-shares\nadd value (priv=privileged,limit=10,action=none)\nend\n");
                t.push_str("add capped-memory\nset physical=4G\nset swap=8G\nend\n");
            }
            if i % 50 == 0 {
                t.push_str("add anet\nset linkname=net9\nset lower-link=auto\nend\n");
            }
            ConfigInput { zone: None, name: format!("configs/{zone}.zonecfg"), text: t }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let configs = fleet(10_000);
    let bytes: usize = configs.iter().map(|c| c.text.len()).sum();
    let policy = Policy::default();

    let mut g = c.benchmark_group("syntax");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("zonecfg 10k zones (bytes)", |b| {
        b.iter(|| {
            for c in &configs {
                black_box(
                    zonecfg::syntax::parse(black_box(&c.text)).expect("generated config parses"),
                );
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("zonecfg 10k zones (bytes)", |b| {
        b.iter(|| {
            for c in &configs {
                black_box(zonecfg::parse(black_box(&c.text)).expect("generated config parses"));
            }
        })
    });
    g.finish();

    let input = CheckInput {
        configs,
        captures: Vec::new(),
        problems: Vec::new(),
    };
    let mut g = c.benchmark_group("parse+check");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("fleet 10k zones (bytes)", |b| {
        b.iter(|| black_box(run(black_box(&input), &policy)))
    });
    g.throughput(Throughput::Elements(10_000));
    g.bench_function("fleet 10k zones (zones)", |b| {
        b.iter(|| black_box(run(black_box(&input), &policy)))
    });
    g.finish();
    eprintln!(
        "fleet: 10,000 zones, {:.2} MB of zonecfg text",
        bytes as f64 / 1e6
    );
}

criterion_group!(benches, bench);

/// With `ZRULES_WRITE_FLEET=DIR` in the environment, writes the fleet to
/// `DIR/configs/` and stops, so the binary can be measured on the same
/// input (`valgrind --tool=callgrind zrules check DIR/configs`); otherwise
/// runs the benchmarks, as `criterion_main!` would.
fn main() {
    if let Some(dir) = std::env::var_os("ZRULES_WRITE_FLEET") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(dir.join("configs")).expect("create DIR/configs");
        for c in fleet(10_000) {
            std::fs::write(dir.join(&c.name), &c.text).expect("write a zone file");
        }
        println!(
            "wrote 10,000 zone files to {}",
            dir.join("configs").display()
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
