//! Positive and negative examples for every rule. Negatives are the sentences that look close
//! but are fine: they guard against false alarms. All fixtures are written for these tests.

mod common;
use common::*;
use ticketlint::profile::{Audience::*, Kind::*};

const BLAME: &str = "blame-language";
const JARGON: &str = "unexplained-jargon";
const NEXT: &str = "missing-next-step";
const IMPACT: &str = "missing-impact";

#[test]
fn every_pack_example_behaves() {
    // Each rule's explain text carries a bad and a good example: the bad one must fire, the
    // good one must not (for the rule's first kind and audience).
    for meta in engine().rules() {
        let kind = meta.kinds[0];
        let audience = meta.audiences[0];
        assert!(
            fires(&meta.explain.bad, kind, audience, &meta.id),
            "{}: bad example does not fire",
            meta.id
        );
        // The good example is good for every kind and audience the rule applies to: `explain`
        // shows it without either.
        for &kind in &meta.kinds {
            for &audience in &meta.audiences {
                assert!(
                    !fires(&meta.explain.good, kind, audience, &meta.id),
                    "{}: good example fires for {kind:?}, {audience:?}",
                    meta.id
                );
            }
        }
    }
}

#[test]
fn blame_positives() {
    let cases = [
        ("That was user error on your side.", "user error"),
        (
            "As I already told you, the form is on the portal.",
            "As I already told you",
        ),
        ("Per my last email, the form is on the portal.", "Per my last email"),
        ("You should have restarted before calling us.", "You should have"),
        ("You failed to attach the log.", "You failed to"),
        ("Classic PEBKAC, closing.", "PEBKAC"),
        ("Looks like a layer 8 issue to me.", "layer 8 issue"),
        ("Sorry, that's not our problem.", "not our problem"),
        ("In fact you didn't send the file.", "In fact you didn't"),
        ("Did you even read the guide?", "Did you even"),
        (
            "It is because of people like you that we have rules.",
            "people like you",
        ),
        ("If you refuse to try the fix, we can't help.", "you refuse"),
        (
            "The network team never patches their switches.",
            "The network team never patches",
        ),
        ("Well, I said to reboot it.", "Well, I said"),
    ];
    for (text, phrase) in cases {
        assert_flags(text, Reply, EndUser, BLAME, phrase);
    }
}

#[test]
fn blame_negatives() {
    let cases = [
        "You should have received an email with the link.",
        "You should have access to the shared drive now.",
        "You shouldn't have to do anything else.",
        "I should have checked the queue sooner; sorry about that.",
        "Simply click the GlobalProtect icon and sign in.",
        "Just restart the app and it will pick up the change.",
        "The error reads \"user error: invalid token\" in the log.",
        "If you didn't receive the code, request a new one.",
        "As I said I would, I called the vendor this morning.",
        "There's nothing you need to do; the fix is automatic.",
        "The customers, who could simply reload, were not affected.",
        "There is no such thing as a stupid question.",
        "We failed to notice the alert, and that is on us.",
        "The vendor caused the outage; the fault is ours for not having a backup.",
    ];
    for text in cases {
        assert_clean(text, Reply, EndUser, BLAME);
    }
}

#[test]
fn jargon_positives() {
    let cases = [
        ("Your MFA prompt expired.", "MFA"),
        ("We changed the DNS record last night.", "DNS"),
        ("The load balancer dropped some requests.", "load balancer"),
        ("Check the CMOS battery.", "CMOS battery"),
        ("We saw high latency on the link.", "latency"),
        ("Our on-prem mailboxes are fine.", "on-prem"),
    ];
    for (text, term) in cases {
        assert_flags(text, Reply, EndUser, JARGON, term);
    }
    // Each term is reported once, at its first unexplained use.
    assert_eq!(hits("DNS failed. DNS is back.", Reply, EndUser, JARGON), ["DNS"]);
    // Specialist terms are jargon for managers too.
    assert_flags("The failover took ten minutes.", Incident, Manager, JARGON, "failover");
}

#[test]
fn jargon_negatives() {
    let cases = [
        "Use single sign-on (SSO) to log in. After that, SSO keeps you signed in.",
        "DNS (the internet's address book) had a fault. DNS is fine now.",
        "The NIC, which is the network card in your laptop, was loose.",
        "Latency, meaning delay on the line, was high.",
        "Your multi-factor authentication settings changed, so MFA asks again.",
        "Connect to the VPN and open your browser.",
        "Clear your browser cache and cookies.",
        "Select Event Log in the menu.",
        "The dns servers were fine.",
        "Please reset your password.",
        "Click Restart now.",
        "We had an add-on conflict.",
    ];
    for text in cases {
        assert_clean(text, Reply, EndUser, JARGON);
    }
    // Technical readers know their jargon.
    assert_clean("The NIC failed and DHCP leases expired.", Reply, Technical, JARGON);
    // General-level terms are not jargon for managers.
    assert_clean("The SSD in the laptop failed.", Reply, Manager, JARGON);
}

#[test]
fn jargon_skips_code_and_urls_in_markdown() {
    use ticketlint::document::{Document, InputFormat};
    let text = "Run `ipconfig /flushdns` and see https://example.com/DNS\n\n```\nDNS lookup\n```\n";
    let doc = Document::parse(text, InputFormat::Markdown);
    let d = engine().check(&doc, ticketlint::profile::Kind::Kb, EndUser);
    assert!(d.iter().all(|d| d.rule != JARGON), "{d:?}");
}

#[test]
fn next_step_positives() {
    // Documents with no next step: the rule fires.
    let cases = [
        "We looked into it. The driver on the print server was out of date.",
        "The outage began at 4:29 PM and ended at 7:27 PM. It was caused by a power fault.",
        "Thanks for your patience. Is there anything else I can do?",
        "We are unable to provide any timeframe for a fix.",
        "We are committed to preventing such issues in the future.",
        "The database was restored at 10:00 UTC after the upgrade.",
        "We lost some revenue, but we'll all live.",
        "If you log out and back in, the dates are still there.",
        // Questions and "can" that arrange nothing.
        "Was the swap on Thursday convenient for you?",
        "When did the error first appear?",
        "We could not replace the docking station in time.",
        "I can see that the docking station was replaced.",
    ];
    for text in cases {
        assert!(fires(text, Reply, EndUser, NEXT), "should fire: {text:?}");
    }
}

#[test]
fn next_step_negatives() {
    let cases = [
        "Please restart your laptop.",
        "I will call you by 3 pm.",
        "Next update at 14:00 UTC.",
        "If the error comes back, reply to this email.",
        "Click Settings, then choose Reset.",
        "We'll post an update here when the fix is deployed.",
        "Could you send me the log file?",
        "You can now sign in with your new password.",
        "In the meantime, use the web version of Outlook.",
        "Let me know if the printer still jams.",
        "We are investigating and expect a fix by 17:00.",
        "Either increase the memory request or reduce the job size.",
        "Next steps : the vendor is reviewing its release checks.",
        "If you want the folders writable, create them beforehand.",
        "Once the update finishes, restart your laptop.",
        "We will send the replacement laptop on Monday.",
        // A question that asks the reader to pick or confirm an arrangement, an offer to act.
        "The replacement has arrived. Would 10 AM on Thursday suit you for the swap?",
        "The replacement has arrived. When are you free this week?",
        "The replacement has arrived. Are you available on Thursday afternoon?",
        "The replacement has arrived. I can come by on Thursday at 10 AM to swap it.",
        "We could swap it tomorrow morning if that helps.",
    ];
    for text in cases {
        assert!(!fires(text, Reply, EndUser, NEXT), "should not fire: {text:?}");
    }
    // Not a rule for KB articles or change notices.
    assert!(!fires("We changed things.", Kb, EndUser, NEXT));
}

#[test]
fn hard_wrapped_lines_read_as_one_sentence() {
    // Plain-text mail is wrapped at 72 columns: a cue regex with a space ("you can try",
    // "if the problem persists") matches across the line break as on one line.
    let wrapped = [
        "We replaced the toner this morning. Now you\ncan try the printer again.",
        "We replaced the toner this morning. If the\nproblem persists, the drum may need a swap.",
        "We replaced the toner this morning. Now you\tcan try the printer again.",
    ];
    for text in wrapped {
        assert!(!fires(text, Reply, EndUser, NEXT), "should not fire: {text:?}");
    }
    // A blank line ends the sentence: the words of two paragraphs are no cue.
    let apart = "We replaced the toner this morning. Now you\n\ncan try the printer again.";
    assert!(fires(apart, Reply, EndUser, NEXT), "should fire: {apart:?}");
    // The same for a pattern rule: "have been modified" wrapped hides who did it too.
    assert!(fires(
        "The files have been\nmodified since the upgrade.",
        Incident,
        EndUser,
        "passive-ownership"
    ));
    assert!(!fires(
        "The files have been\n\nmodified since the upgrade.",
        Incident,
        EndUser,
        "passive-ownership"
    ));
}

#[test]
fn impact_positives() {
    let cases = [
        "At 09:10 the storage array failed over to the secondary controller.",
        "Every service is affected. We are investigating.",
        "Users impacted by the outage should wait.",
        "The queue filled up and the job runner restarted.",
        "As many of you noticed, we had an incident.",
        "The file system scan completed and the system was updated so no new errors occur.",
        "Nobody could have predicted the storage fault.",
        "The outage is over and the root cause is known.",
    ];
    for text in cases {
        assert!(fires(text, Incident, EndUser, IMPACT), "should fire: {text:?}");
    }
}

#[test]
fn impact_negatives() {
    let cases = [
        "Staff in the west building could not print.",
        "About a third of checkout requests timed out.",
        "Impact: none of the payroll runs completed on time.",
        "The fault made the booking service unavailable for an hour.",
        "Customers may see errors when they upload files.",
        "Students were unable to submit assignments between 9 and 10.",
        "You may not be able to sign in to email this evening.",
        "The buildings on the cut segment will lose network connectivity.",
        "Performance of the cluster is still impacted.",
        "Some messages were delayed by up to two hours.",
        "Brief loss of connectivity for all customers in the building.",
        "An outage at the provider left many servers becoming unavailable for hours.",
        "The chat bot experienced some instability after the surge.",
        "Customer impact : nobody could check out for 20 minutes, and the queue grew for hours afterwards.",
        "Nobody in the Leeds office can send email right now.",
        "No one on the third floor is able to print.",
        "There is an outage affecting email in the Leeds office.",
        "A disruption is currently affecting the booking site.",
    ];
    for text in cases {
        assert!(!fires(text, Incident, EndUser, IMPACT), "should not fire: {text:?}");
    }
    assert!(
        !fires("Nothing here.", Reply, EndUser, IMPACT),
        "impact is not required in replies"
    );
}

#[test]
fn every_builtin_pattern_compiles() {
    engine().compile_all().unwrap();
}

#[test]
fn phrase_index_size_report() {
    // Not an assertion on speed: keeps the phrase count visible in test output with --nocapture.
    let n = engine().phrase_count();
    eprintln!("phrases in the shared phrase index: {n}");
    assert!(n > 1000, "the glossary alone has more than 1000 forms");
}

#[test]
fn plain_text_notices_are_detected_as_what_they_are() {
    use ticketlint::document::{Document, InputFormat};
    let detect = |text: &str| engine().detect_kind(&Document::parse(text, InputFormat::Text));
    // A notice greeting a group, promising another update: an incident, not a reply.
    assert_eq!(
        detect(
            "Hi all,\n\nWe are aware that some staff cannot connect to the VPN.\n\nWe will send another update at 12:00.\n"
        ),
        Incident
    );
    // A change notice laid out as fields.
    assert_eq!(
        detect(
            "What is changing: we are replacing the mail relay.\nWhen: Saturday 08:00 to 10:00 UTC.\nImpact: staff cannot send email.\nRollback plan: we switch back to the old relay.\n"
        ),
        Change
    );
    // A reply to one person stays a reply; a how-to mentioning "all users" is no incident.
    assert_eq!(
        detect("Hi Sam,\n\nThanks for your ticket. I have reset your password.\n\nLet me know if it works.\n"),
        Reply
    );
    assert_ne!(
        detect("To give all users access, open the admin page and choose Share.\n"),
        Incident
    );
}
