//! Fixes end to end.

#[test]
fn blame_fixes_are_offered_only_where_they_read_right() {
    use ticketlint::document::{Document, InputFormat};
    use ticketlint::engine::Engine;
    use ticketlint::profile::{Audience, Kind};
    let engine = Engine::builtin().unwrap();
    let fix_of = |text: &str| {
        let doc = Document::parse(text, InputFormat::Text);
        let d = engine.check(&doc, Kind::Reply, Audience::EndUser);
        let d = d.iter().find(|d| d.rule == "blame-language").expect("a blame finding");
        d.fix
            .as_ref()
            .map(|f| (f.replacement.clone(), f.applicability.as_str()))
    };
    let some = |r: &str| Some((r.to_string(), "unsafe"));
    assert_eq!(fix_of("As I said, the form is on the portal."), some("to recap"));
    assert_eq!(
        fix_of("Per my last email, the form is on the portal."),
        some("to recap")
    );
    assert_eq!(fix_of("With all due respect, the logs say no."), some(""));
    assert_eq!(fix_of("Obviously you need admin rights."), some("you"));
    // Flagged, but "to recap" would not fit here: no fix.
    assert_eq!(fix_of("As I said before, the form is on the portal."), None);
    assert_eq!(fix_of("Per my last email to you the form is on the portal."), None);
    assert_eq!(fix_of("With all due respect to the team, no."), None);
    assert_eq!(fix_of("That was user error."), None);
}
