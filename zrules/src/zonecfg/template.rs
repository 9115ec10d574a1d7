//! What zonecfg adds to a configuration the file does not spell out:
//! tokens in property values, and the defaults of `create`'s template.
//!
//! A command file is not the whole configuration. Solaris 11.3 and later
//! expand tokens in some property values ("zonecfg template Property and
//! Tokens", Oracle Solaris Zones Configuration Resources, 11.3/11.4):
//! `%{zonename}` is the zone's name in the global `zonepath`, a `dataset`'s
//! `name` and an `fs`'s `dir`; `%{id}` is the resource's `id` in a `net`'s
//! `physical` and an `anet`'s `linkname`; `%%` is `%`. (`%{global-rootzpool}`
//! is only valid in storage URIs, which no rule reads: it is left as is.)
//!
//! And on Solaris 11.2 and later, `create` (or `create -t SYSdefault`)
//! without `-b` starts from the default template: brand `solaris`, zonepath
//! `/system/zones/%{zonename}`, ip-type `exclusive` and an automatic
//! `anet` named `net0` (Oracle Solaris 11.4 "Zone properties"; the 11.2
//! zonecfg(1M) lists the same). `create -b` is blank. Which release a file
//! is for is known only from a capture's `uname -v`; a file checked on its
//! own is read as Solaris 11.2+, and every finding about something the
//! template added says so.
//!
//! [`resolve`] applies both, so the rules see what zonecfg would; the spans
//! of everything still point at the text that caused it (the value with the
//! token, or the `create` command for what the template added).

use super::model::{IntoSource, ZoneConfig, parse};
use super::syntax::SyntaxError;

/// The configuration of zone `zonename` as the checks judge it: parsed,
/// then tokens expanded and `create`'s template applied for `release`.
/// Everything that must agree with `zrules check` about a configuration
/// (zgen fix) reads it through here.
pub fn parse_resolved(
    src: impl IntoSource,
    zonename: &str,
    release: &Release,
) -> Result<ZoneConfig, SyntaxError> {
    let mut config = parse(src)?;
    resolve(&mut config, zonename, release);
    Ok(config)
}

/// What a run assumes of a zone configuration checked without a capture's
/// `uname -v` whose `create` brought the default template.
pub const ASSUMED_TEMPLATE: &str = "'create' without -b read as on Solaris 11.2+ (default template: brand solaris, ip-type exclusive, zonepath /system/zones/ZONE, an automatic anet net0), as no capture's uname -v says which release the zone is for";

/// Which release's `create` defaults apply to a configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Release {
    /// No capture says: Solaris 11.2+ is assumed (the house rules' platform).
    Assumed,
    /// A capture's `uname -v`, e.g. `11.4.0.15.0`, `11.3`, `omnios-r151048-…`.
    Uname(String),
}

impl Release {
    /// The release a host capture names (its `uname -v`), or
    /// [`Release::Assumed`] when it has none.
    pub fn of(facts: &crate::facts::HostFacts) -> Self {
        facts
            .uname_v
            .as_ref()
            .map_or(Release::Assumed, |v| Release::Uname(v.value.clone()))
    }

    /// The Solaris 11 update a `uname -v` names (`11.4.0.15.0` → 4, `11.3`
    /// → 3, `11.0` → 0); `None` for illumos distributions
    /// (`omnios-r151048-…`) and anything else.
    pub fn solaris_update(uname_v: &str) -> Option<u32> {
        let mut parts = uname_v.trim().split('.');
        if parts.next()? != "11" {
            return None;
        }
        parts.next()?.parse().ok()
    }

    /// Why defaults were (not) applied, in words added to findings.
    fn describe(&self) -> Option<String> {
        match self {
            Release::Assumed => Some(
                "the default template of 'create' on Solaris 11.2+, assumed as no capture says which release"
                    .to_owned(),
            ),
            Release::Uname(v) => match Self::solaris_update(v) {
                Some(u) if u >= 2 => Some(format!(
                    "the default template of 'create' on Solaris 11.{u}, per uname -v {v}"
                )),
                // Solaris 11.0/11.1 defaults are not confirmed by a source;
                // illumos' default template sets neither brand nor ip-type.
                _ => None,
            },
        }
    }
}

/// Expands zonecfg tokens in `text`: `%{zonename}`, `%%`, and `%{id}` when
/// the resource has an id. Unknown tokens are kept as written. `None` when
/// nothing changes (the common case: no allocation).
pub fn expand(text: &str, zonename: &str, id: Option<&str>) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let mut out = String::with_capacity(text.len() + zonename.len());
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("%%") {
            out.push('%');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("%{zonename}") {
            out.push_str(zonename);
            rest = after;
        } else if let (Some(after), Some(id)) = (tail.strip_prefix("%{id}"), id) {
            out.push_str(id);
            rest = after;
        } else {
            out.push('%');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    (out != text).then_some(out)
}

/// The configuration as zonecfg would hold it for zone `zonename`: tokens
/// expanded where Solaris expands them, and `create`'s template defaults
/// added when `release` has them.
pub fn resolve(config: &mut ZoneConfig, zonename: &str, release: &Release) {
    config.rewrite_simple(None, "zonepath", |v| expand(v, zonename, None));
    let n = config.resources().len();
    for i in 0..n {
        let Some(r) = config.resource(i) else { break };
        let id = r.simple("id").map(|s| s.value.to_owned());
        let prop = match r.kind().value {
            "dataset" => "name",
            "fs" => "dir",
            "net" => "physical",
            "anet" => "linkname",
            _ => continue,
        };
        config.rewrite_simple(Some(i), prop, |v| expand(v, zonename, id.as_deref()));
    }
    apply_defaults(config, zonename, release);
}

fn apply_defaults(config: &mut ZoneConfig, zonename: &str, release: &Release) {
    let Some(create) = &config.create else {
        return;
    };
    let default_template = !create.blank
        && create.attach_path.is_none()
        && create
            .template
            .as_ref()
            .is_none_or(|t| t.value == "SYSdefault");
    if !default_template {
        return;
    }
    let Some(why) = release.describe() else {
        return;
    };
    // One shared text for every property and resource the template adds.
    let why = super::model::Text::from(why);
    config.template_assumed = *release == Release::Assumed;
    let at = create.span;
    for (name, value) in [
        ("brand", "solaris".to_owned()),
        ("zonepath", format!("/system/zones/{zonename}")),
        ("ip-type", "exclusive".to_owned()),
    ] {
        if config.global(name).is_none() {
            config.imply_global(name, value, at, &why);
        }
    }
    let removed = config.template_removals().any(|r| r.value == "anet");
    let selected = config
        .resources_of("anet")
        .any(|a| a.simple("linkname").is_some_and(|l| l.value == "net0"));
    if !removed && !selected {
        config.imply_resource(
            "anet",
            &[("linkname", "net0"), ("lower-link", "auto")],
            at,
            &why,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zonecfg::parse;

    #[test]
    fn tokens() {
        assert_eq!(
            expand("/zones/%{zonename}", "www", None).as_deref(),
            Some("/zones/www")
        );
        assert_eq!(expand("/zones/www", "www", None), None);
        assert_eq!(
            expand("net%{id}", "www", Some("3")).as_deref(),
            Some("net3")
        );
        assert_eq!(expand("net%{id}", "www", None), None);
        assert_eq!(expand("a%%b", "www", None).as_deref(), Some("a%b"));
        assert_eq!(expand("%{global-rootzpool}/x", "www", None), None);
        assert_eq!(expand("100%", "www", None), None);
    }

    #[test]
    fn spans_stay_on_the_token_text() {
        let src = "create -b\nset zonepath=/zones/%{zonename}\n";
        let mut cfg = parse(src).expect("parses");
        resolve(&mut cfg, "www", &Release::Uname("11.4.0.15.0".into()));
        let p = cfg.zonepath().expect("zonepath");
        assert_eq!(p.value, "/zones/www");
        assert_eq!(&src[p.span.range()], "/zones/%{zonename}");
    }

    #[test]
    fn default_template_by_release() {
        let src = "create\nset autoboot=true\n";
        let mut cfg = parse(src).expect("parses");
        resolve(&mut cfg, "www", &Release::Assumed);
        assert_eq!(cfg.brand().map(|b| b.value), Some("solaris"));
        assert_eq!(cfg.ip_type().map(|b| b.value), Some("exclusive"));
        let anet = cfg.resources_of("anet").next().expect("anet net0");
        assert_eq!(
            anet.simple("linkname").map(|l| &src[l.span.range()]),
            Some("create")
        );
        assert!(anet.from_template().is_some_and(|w| w.contains("assumed")));

        for (src, uname) in [
            ("create -b\n", "11.4.0.15.0"),
            ("create\n", "11.1"),
            ("create\n", "omnios-r151048-b04d8b1b3a"),
            ("create -t SYSsolaris10\n", "11.4.0.15.0"),
            ("create\nremove anet\n", "11.4.0.15.0"),
        ] {
            let mut cfg = parse(src).expect("parses");
            resolve(&mut cfg, "www", &Release::Uname(uname.into()));
            assert_eq!(cfg.resources_of("anet").count(), 0, "{src} on {uname}");
        }
        let mut cfg = parse("create -t SYSdefault\n").expect("parses");
        resolve(&mut cfg, "www", &Release::Uname("11.3".into()));
        assert_eq!(cfg.resources_of("anet").count(), 1);
        assert_eq!(Release::solaris_update("11.4.0.15.0"), Some(4));
        assert_eq!(Release::solaris_update("omnios-r151048-x"), None);
    }
}
