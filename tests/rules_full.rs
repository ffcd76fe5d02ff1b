//! Positive and negative examples for the rules of the full rule set (tone, clarity, structure,
//! safety). Every fixture is written for these tests.

mod common;
use common::*;
use ticketlint::document::{Document, InputFormat};
use ticketlint::profile::{Audience, Audience::*, Kind, Kind::*};

#[track_caller]
fn flags_all(rule: &str, kind: Kind, audience: Audience, cases: &[(&str, &str)]) {
    for (text, expected) in cases {
        assert_flags(text, kind, audience, rule, expected);
    }
}

#[track_caller]
fn clean_all(rule: &str, kind: Kind, audience: Audience, cases: &[&str]) {
    for text in cases {
        assert_clean(text, kind, audience, rule);
    }
}

#[track_caller]
fn fires_all(rule: &str, kind: Kind, audience: Audience, cases: &[&str]) {
    for text in cases {
        assert!(fires(text, kind, audience, rule), "{rule} should fire on {text:?}");
    }
}

#[track_caller]
fn quiet_all(rule: &str, kind: Kind, audience: Audience, cases: &[&str]) {
    for text in cases {
        assert!(!fires(text, kind, audience, rule), "{rule} should not fire on {text:?}");
    }
}

/// Does `rule` fire on a Markdown document?
fn fires_md(text: &str, kind: Kind, audience: Audience, rule: &str) -> bool {
    let doc = Document::parse(text, InputFormat::Markdown);
    engine().check(&doc, kind, audience).iter().any(|d| d.rule == rule)
}

// ---------------------------------------------------------------------------------------------
// Tone

#[test]
fn condescending_tone() {
    let rule = "condescending-tone";
    flags_all(
        rule,
        Reply,
        EndUser,
        &[
            ("Just restart the laptop and it works.", "Just"),
            ("You can simply click Save again.", "simply"),
            ("All you need to do is sign out and back in.", "All you need to do is "),
            ("It's really easy: open Settings.", "It's really easy"),
            ("Obviously, the printer needs paper.", "Obviously,"),
            (
                "As everyone knows, passwords expire every 90 days.",
                "As everyone knows,",
            ),
            ("Even you can reset a password.", "Even you can"),
            (
                "I'll explain it again slowly: the VPN must be on.",
                "I'll explain it again",
            ),
            (
                "As clearly stated in the guide, the VPN must be on.",
                "As clearly stated",
            ),
            // Its only keyword is "easier" (missed while the entry's keywords lacked it).
            ("It could not be easier.", "could not be easier"),
        ],
    );
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "I just sent you the new link.",
            "The site was simply unavailable for an hour.",
            "Keep a copy just in case.",
            "Restart the laptop, then sign in again.",
            "Of course! I've added you to the group.",
            "Label the box clearly before you send it.",
            "It's easy to miss this setting, so here is where it is.",
            "Once again, thank you for your patience.",
            "The error says \"just click OK\" but nothing happens.",
            "We just released a fix for this.",
            "Simply put, the disk was full.",
        ],
    );
    // Not a rule for KB articles.
    assert_clean("Just restart the laptop.", Kb, EndUser, rule);
}

#[test]
fn condescending_fix_deletes_and_recapitalises() {
    let text = "Just restart the laptop.";
    let doc = Document::parse(text, InputFormat::Text);
    let d = engine().check(&doc, Reply, EndUser);
    let f = d.iter().find(|d| d.rule == "condescending-tone").unwrap();
    let fix = f.fix.as_ref().expect("a fix");
    assert_eq!(fix.applicability, ticketlint::diagnostic::Applicability::Safe);
    // Applied the way --fix applies every rule's edits: normalised (spacing, capitals), then applied.
    let edits: Vec<_> = fix
        .edits
        .iter()
        .map(|e| ticketlint::fix::edits::normalize(text, e))
        .collect();
    assert_eq!(ticketlint::fix::edits::apply(text, &edits), "Restart the laptop.");
}

#[test]
fn shouting() {
    let rule = "shouting";
    flags_all(
        rule,
        Reply,
        EndUser,
        &[
            (
                "PLEASE DO NOT TURN OFF YOUR LAPTOP during the update.",
                "PLEASE DO NOT TURN OFF YOUR LAPTOP",
            ),
            ("THE SERVER IS DOWN again.", "THE SERVER IS DOWN"),
            ("Please do NOT unplug the dock.", "NOT"),
            ("You must ALWAYS lock your screen.", "ALWAYS"),
            ("I AM NOT ABLE to help with that.", "I AM NOT ABLE"),
        ],
    );
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "Connect to the VPN and check the DNS settings.",
            "The VPN DNS server was slow.",
            "IMPORTANT: save your work first.",
            "Restart your PC and sign in.",
            "The error code was ERROR_ACCESS_DENIED.",
            "Your ticket INC0012345 is closed.",
            "The message said \"ACCESS IS DENIED\" on screen.",
            "Use the HR portal for leave requests.",
            "We met at 10 AM UTC.",
            "The USB stick and the SSD are fine.",
        ],
    );
}

#[test]
fn exclamation_overuse() {
    let rule = "exclamation-overuse";
    flags_all(
        rule,
        Reply,
        EndUser,
        &[
            ("Why is it still broken?!", "?!"),
            ("It works now!!", "!!"),
            ("Thanks! It works now! Great!", "!"),
            ("Hello! Your laptop is ready! Come and get it.", "!"),
            ("Really!? That fixed it.", "!?"),
        ],
    );
    // Every exclamation mark in an incident update.
    assert_flags("Service is restored!", Incident, EndUser, rule, "!");
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "Thanks! Your laptop is ready.",
            "Your laptop is ready.",
            "Run the check with x != y in the script.",
            "> [!NOTE]\n> Save your work first.",
            "Does it work now?",
            "Great news: it works.",
            "Hi Sam,\n\nThe fix is in. Thanks for your patience!",
            "The error said \"Failed!\" twice.",
            "Is it fixed? Please check.",
            "Well done. It works.",
        ],
    );
}

#[test]
fn hollow_apology() {
    let rule = "hollow-apology";
    flags_all(
        rule,
        Reply,
        EndUser,
        &[
            (
                "We apologize for any inconvenience.",
                "We apologize for any inconvenience",
            ),
            (
                "Sorry for the inconvenience this may have caused.",
                "Sorry for the inconvenience this may have caused",
            ),
            ("We regret any inconvenience.", "We regret any inconvenience"),
            ("I'm sorry you feel that way.", "sorry you feel that way"),
            ("Sorry if you were confused by the email.", "Sorry if you were"),
            ("Apologies for any trouble.", "Apologies for any trouble"),
        ],
    );
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "We're sorry: for 40 minutes you could not send email.",
            "I'm sorry the update deleted your settings.",
            "Sorry for the delay in replying.",
            "We apologize for any inconvenience caused by the 30 minutes without email.",
            "Thank you for your patience.",
            "Sorry, I meant the second link.",
            "I apologise: I sent you the wrong file.",
            "We are sorry that your files were lost, and we have restored them.",
            "No inconvenience at all.",
            "The error message says \"Sorry for the inconvenience\".",
        ],
    );
}

#[test]
fn vague_time() {
    let rule = "vague-time";
    flags_all(
        rule,
        Reply,
        EndUser,
        &[
            ("We will fix it as soon as possible.", "as soon as possible"),
            ("I'll look at it shortly.", "shortly"),
            ("Service should be back soon.", "soon"),
            ("We will get to it in due course.", "in due course"),
            ("I'll get back to you.", "get back to you"),
            ("We're on it and will update you ASAP.", "ASAP"),
        ],
    );
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "We will fix it by 15:00 UTC.",
            "Please reply as soon as possible.",
            "The laptop goes to sleep soon after you close the lid.",
            "I'll get back to you by Friday noon.",
            "Next update by 14:00.",
            "Could you send the log as soon as you can?",
            "We restored the service at 10:40.",
            "I'll call you tomorrow at 9.",
            "We will update you within 30 minutes.",
            "If you need help later, call the desk.",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Clarity

#[test]
fn long_sentence() {
    let rule = "long-sentence";
    let long26 = "If the printer still shows the paper jam error after you turn it off and on again please open tray two and remove any torn paper you find there.";
    let long32 = "When you connect to the office network from home you need to start the VPN client first and then sign in with your usual account and the code from your phone app.";
    let long40 = "The storage team moved the shared drives to the new file server over the weekend and most people will not notice anything but a few shortcuts on desktops may still point at the old server name and need to be replaced.";
    // Words joined by dashes with no spaces ("wifi—printer") and words in other scripts count
    // too: 30 words, in 15 dash-joined pairs.
    let dashes = "The wifi—printer laptop—dock badge—reader phone—charger mouse—keyboard screen—cable \
                  desk—lamp chair—wheel door—lock card—slot pin—code badge—photo bag—strap key—ring cup—lid.";
    for text in [long26, long32, long40, dashes] {
        assert_eq!(hits(text, Reply, EndUser, rule).len(), 1, "{text}");
    }
    // Thresholds per audience: 30 for managers, 35 for technical readers.
    assert_eq!(hits(long32, Reply, Manager, rule).len(), 1);
    assert_eq!(hits(long40, Reply, Technical, rule).len(), 1);
    clean_all(rule, Reply, Manager, &[long26]);
    clean_all(rule, Reply, Technical, &[long32]);
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "Restart the printer.",
            "Turn the printer off and on again. Open tray two and remove any torn paper.",
            "Connect to the VPN first, then sign in with your usual account.",
            // URLs are not words.
            "Open https://example.com/a/very/long/path/with/many/parts/that/goes/on/and/on/and/on/for/ever/and/ever/more then sign in.",
            "Steps:\n1. Open the app\n2. Select Settings\n3. Choose Reset and confirm the reset when the app asks you to confirm it",
            "Your laptop is ready for pickup at the service desk on the second floor.",
            "Thanks for waiting.",
            "Please save your work, close every app, and restart before five today.",
            "",
            "One. Two. Three. Four. Five. Six. Seven. Eight. Nine. Ten. Eleven. Twelve. Thirteen.",
        ],
    );
}

const HARD: &str = "Subsequent to the implementation of the organizational authentication modernization initiative, \
credential verification necessitates supplementary identification mechanisms. Administrative personnel recommend \
familiarization with the alternative verification methodologies prior to the deactivation of legacy authentication \
infrastructure. Unregistered individuals will experience significant authentication complications following the \
transition. Consequently, immediate registration utilizing the designated organizational enrollment portal is \
strongly encouraged. Notwithstanding previous communications, organizational compliance documentation indicates \
that participation constitutes a mandatory institutional requirement applicable to every credentialed individual. \
Individuals experiencing registration difficulties should communicate with institutional technology support \
representatives, who will facilitate resolution through standardized troubleshooting methodologies. \
Comprehensive documentation of encountered authentication irregularities substantially accelerates investigation.";

const HARD2: &str = "Intermittent authentication failures originating from misconfigured certificate revocation \
infrastructure necessitated comprehensive investigation across geographically distributed authentication \
intermediaries. Preliminary diagnostics identified synchronization inconsistencies affecting replication \
topology, particularly concerning domain controllers maintaining obsolete revocation information. Remediation \
necessitated coordinated invalidation of intermediate certification authority publications, subsequent regeneration \
of revocation distribution endpoints, and verification of propagation throughout organizational infrastructure. \
Additionally, administrators identified authentication dependencies requiring prioritized reconfiguration \
alongside comprehensive documentation revisions. Subsequent evaluation determined that monitoring \
instrumentation inadequately characterized revocation latency, consequently delaying identification of the \
underlying misconfiguration. Organizational stakeholders subsequently authorized supplementary observability \
investments encompassing certificate lifecycle telemetry. Leadership additionally requested quarterly \
verification of revocation infrastructure configuration consistency across regional authentication deployments.";

const EASY: &str = "From Monday you will need a second step to sign in. After your password, you will approve a \
prompt on your phone. Please set this up now, before the old sign-in stops working. It takes about five minutes. \
Open the sign-in page and follow the steps on the screen. If you get stuck, call the service desk and we will \
help you. If you do not set it up in time, you will not be able to read your email until you call us. We are \
here from eight to six every day, and you can also drop by the desk on the first floor.";

#[test]
fn reading_grade() {
    let rule = "reading-grade";
    fires_all(rule, Reply, EndUser, &[HARD]);
    fires_all(rule, Kb, EndUser, &[HARD]);
    fires_all(rule, Incident, Manager, &[HARD]);
    fires_all(rule, Change, EndUser, &[HARD]);
    fires_all(rule, Handoff, Manager, &[HARD]);
    fires_all(rule, Reply, EndUser, &[HARD2]);
    fires_all(rule, Incident, Manager, &[HARD2]);
    // The figure is in the message.
    let doc = Document::parse(HARD, InputFormat::Text);
    let d = engine().check(&doc, Reply, EndUser);
    let f = d.iter().find(|d| d.rule == rule).unwrap();
    assert!(f.message.starts_with("reading grade "), "{}", f.message);
    let grade: f64 = f.message.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(grade > 15.0, "{grade}");
    quiet_all(rule, Reply, EndUser, &[EASY, "Please restart.", "Short. Text. Here."]);
    quiet_all(rule, Kb, EndUser, &[EASY]);
    quiet_all(rule, Reply, Manager, &[EASY]);
    // Technical readers get no finding; short texts are skipped.
    quiet_all(rule, Reply, Technical, &[HARD]);
    quiet_all(
        rule,
        Reply,
        EndUser,
        &[
            "Subsequent to implementation, verification necessitates supplementary mechanisms.",
            "Administrative personnel recommend familiarization. Unregistered individuals experience complications.",
            "",
            "Hi Sam,\n\nYour laptop is ready. Come and get it from the desk on the first floor.",
            "Restart the laptop. Sign in again. Reply if it fails.",
        ],
    );
}

#[test]
fn passive_ownership() {
    let rule = "passive-ownership";
    flags_all(
        rule,
        Incident,
        EndUser,
        &[
            ("Mistakes were made during the upgrade.", "were made"),
            ("The server was rebooted at 14:02.", "was rebooted"),
            ("A change was deployed to production without review.", "was deployed"),
            ("The alert was missed overnight.", "was missed"),
            (
                "The firewall rule was accidentally deleted.",
                "was accidentally deleted",
            ),
        ],
    );
    assert_flags(
        "The DNS record was changed an hour early.",
        Change,
        EndUser,
        rule,
        "was changed",
    );
    clean_all(
        rule,
        Incident,
        EndUser,
        &[
            "We deployed a change that broke sign-in.",
            "The change was deployed by the network team at 14:02.",
            "The server will be rebooted tonight.",
            "Service was restored at 10:40.",
            "Our team restarted the server.",
            "The repository settings were updated to prevent direct pushes.",
            "Old files were deleted automatically after 90 days.",
            "I rebooted the server at 14:02.",
            "The queue filled up and the job runner stopped.",
            "Users could not sign in for an hour.",
        ],
    );
    // Not a rule for replies.
    assert_clean("The server was rebooted.", Reply, EndUser, rule);
}

// ---------------------------------------------------------------------------------------------
// Structure

#[test]
fn missing_greeting() {
    let rule = "missing-greeting";
    fires_all(
        rule,
        Reply,
        EndUser,
        &[
            "Restart the laptop and try again.",
            "Your password has been reset.",
            "I checked the logs. The sync is fine now.",
            "Please send the error message.",
            "The printer on floor 2 is fixed.\n\nHi, by the way.",
        ],
    );
    quiet_all(
        rule,
        Reply,
        EndUser,
        &[
            "Hi Sam,\n\nRestart the laptop.",
            "Hello Priya, your laptop is ready.",
            "Dear Dr Lee,\n\nYour account is unlocked.",
            "Good morning Alex, the VPN is back.",
            "Thanks for getting in touch. Restart the laptop.",
            "Thank you for the screenshot.",
            "Hey team, the fix is in.",
            "@sam the patch is merged.",
            "Greetings, your request is approved.",
            "Morning Jo, your new monitor has arrived.",
        ],
    );
    quiet_all(rule, Incident, EndUser, &["Staff cannot print."]);
}

#[test]
fn missing_check_in() {
    let rule = "missing-check-in";
    fires_all(
        rule,
        Reply,
        EndUser,
        &[
            "Hi Sam,\n\nI reset your mailbox rules. The folder should sync again within the hour.",
            "Hi Sam,\n\nYour password has been reset.\n\nThanks for your patience.",
            "Hi,\n\nI installed the update. Does that make sense?",
            "Hello,\n\nThe printer is fixed.",
            "Hi Jo,\n\nWe replaced the battery. The laptop is at the desk.",
        ],
    );
    quiet_all(
        rule,
        Reply,
        EndUser,
        &[
            "Hi Sam,\n\nI reset your mailbox rules. Does it show your new mail now?",
            "Hi Sam,\n\nI reset the rules. Let me know if the folder is still empty.",
            "Hi,\n\nThe update is installed. If the error comes back, reply here and I'll call you.",
            "Hi,\n\nCould you confirm that you can sign in now?",
            "Hi,\n\nThe printer is fixed. Reply to this email if it jams again.\n\nThanks for your patience.",
            "Hi,\n\nPlease try again and reply with a screenshot if it fails.",
            "Hi,\n\nThe fix is in. Feel free to reopen this ticket if anything is off.",
            "Hi,\n\nI've added you to the group. If you have any questions, just ask.",
            "Hi,\n\nYour laptop is ready. Give me a call when you want to pick it up.",
            "Hi,\n\nDone. Any other questions, let us know.",
        ],
    );
    quiet_all(rule, Kb, EndUser, &["Restart the laptop."]);
}

#[test]
fn impact_not_first() {
    let rule = "impact-not-first";
    fires_all(
        rule,
        Incident,
        EndUser,
        &[
            "At 09:10 the primary database failed over to the secondary node after a storage fault.\n\nDuring the failover, staff could not open the booking system.",
            "A certificate on the load balancer expired at midnight.\n\nCustomers could not check out for 40 minutes.",
            "We rolled out version 4.2 of the mail gateway.\n\nThe new version had a bug.\n\nSome messages were delayed by up to two hours.",
            "Root cause: a full disk on the log server.\n\nImpact: users could not sign in between 09:00 and 09:30.",
            "A core switch dropped its configuration after a firmware bug.\n\nStaff in building B could not print.",
            // A title line is not the first paragraph; a longer line, or a sentence, is.
            "Booking system outage\n\nAt 09:10 the primary database switched to the secondary node after a storage fault.\n\nDuring the switch, staff could not open the booking system.",
            "Root cause: a full disk on the log server\n\nImpact: users could not sign in between 09:00 and 09:30.",
            "Status: resolved\n\nThe disk filled up.\n\nImpact: users could not sign in between 09:00 and 09:30.",
        ],
    );
    quiet_all(
        rule,
        Incident,
        EndUser,
        &[
            "Staff could not open the booking system from 09:10 to 09:55 UTC.\n\nThe cause was a storage fault.",
            "Hi all,\n\nCustomers could not check out for 40 minutes.\n\nA certificate had expired.",
            "Update\n\nSome messages are delayed by up to two hours. We are working on it.",
            "Incident update\n\nStaff in the Leeds office cannot send email. We are investigating a fault on the mail relay.",
            "Email outage:\n\nStaff in the Leeds office cannot send email. The mail relay has a fault.",
            "Planned maintenance: mail relay replacement\n\nWhat is changing: we are replacing the mail relay.\nWhen: Saturday 08:00 to 10:00 UTC.\nImpact: staff cannot send email during the window.",
            "Status: investigating\nSeverity: high\n\nStaff cannot sign in to email. A certificate expired.",
            "Impact: users could not sign in between 09:00 and 09:30.\n\nRoot cause: a full disk.",
            "The switch in building B lost power.",
            "A certificate expired. We renewed it.",
            "Students were unable to submit assignments. The upload service had crashed.",
            "Email is unavailable for all staff. We are investigating.",
            "",
            "Customers may see errors when they pay.",
        ],
    );
    // Any kind written for managers: the impact goes first there too.
    let buried = "We replaced the storage controllers in the data centre over the weekend.\n\nDuring the work, staff could not open the booking system for an hour.";
    for kind in [Reply, Kb] {
        assert!(fires(buried, kind, Manager, rule), "{kind:?} for managers");
        assert!(!fires(buried, kind, EndUser, rule), "{kind:?} for end users");
        assert!(!fires(buried, kind, Technical, rule), "{kind:?} for technical readers");
    }
    assert!(!fires(
        "Staff could not open the booking system for an hour.\n\nWe replaced the storage controllers.",
        Reply,
        Manager,
        rule
    ));
}

#[test]
fn missing_next_update() {
    let rule = "missing-next-update";
    fires_all(
        rule,
        Incident,
        EndUser,
        &[
            "Staff cannot sign in to email. We are investigating the cause.",
            "Investigating - Some users see errors when they upload files.",
            "The booking site is currently down. Our team is working on a fix.",
            "We are aware of slow logins on the VPN and are looking into it.",
            "Update: the fix is being deployed. We are monitoring the rollout.",
        ],
    );
    quiet_all(
        rule,
        Incident,
        EndUser,
        &[
            "Staff cannot sign in to email. We are investigating. Next update by 15:00 UTC.",
            "We are investigating slow logins. We will post an update within 30 minutes.",
            "We are working on the outage and will send updates every hour.",
            "The issue has been resolved. Email is working normally.",
            "Resolved: the VPN is back to normal.",
            "Postmortem: on Monday the database failed over. Root cause: a full disk.",
            "Service was restored at 10:40. The outage lasted 35 minutes.",
            "A storage fault made the booking site slow.",
            "We are investigating. Check back at 14:30 for the next update.",
            "",
        ],
    );
    quiet_all(rule, Reply, EndUser, &["We are investigating."]);
}

#[test]
fn handoff_incomplete() {
    let rule = "handoff-incomplete";
    let message = |text: &str| {
        let doc = Document::parse(text, InputFormat::Text);
        engine()
            .check(&doc, Handoff, Technical)
            .into_iter()
            .find(|d| d.rule == rule)
            .map(|d| d.message)
    };
    let m = message("Escalating to L2. Outlook keeps crashing for Dana on startup with error 0x800CCC0E.").unwrap();
    assert!(
        m.contains("what was already tried") && m.contains("who to contact"),
        "{m}"
    );
    assert!(!m.contains("the symptoms"), "{m}");
    fires_all(
        rule,
        Handoff,
        Technical,
        &[
            "Escalating to L2. Outlook crashes on startup with error 0x800CCC0E.",
            "Passing this to the network team. Tried: rebooted the switch; no change.",
            "Please investigate. Impact: the whole finance team is blocked.",
            "Handing over ticket 4471. Contact me on ext. 4417.",
            "Escalating: VPN drops every 10 minutes. Tried a new profile, no change. Urgent: 30 users affected.",
        ],
    );
    quiet_all(
        rule,
        Handoff,
        Technical,
        &[
            "Escalating to L2. Outlook crashes for Dana on startup with error 0x800CCC0E. Tried: repaired Office and a new profile; no change. Impact: Dana is blocked before a client deadline at 16:00. Contact me on ext. 4417.",
            "Symptoms: the VPN drops every 10 minutes.\nSteps tried: new profile, reinstall; same result.\nImpact: 30 users in finance blocked.\nContact: Sam (on-call), phone 555 0100.",
            "Issue: printing fails with error 0x0000011b. Troubleshooting done: cleared the queue and reinstalled the driver, still fails. Priority: P2, the front desk cannot print. Reach me on Teams.",
            "The file share is not accessible for the design team. I restarted the service and checked permissions; no change. Deadline today at 5 pm. Call me on 555-0199.",
            "Error: mailbox over quota. Already tried: archived old mail, did not help. Urgency: high, the CEO's assistant is blocked. Contact Jo on ext. 2210.",
            "Summary: laptop will not boot.\nTried: hard reset and a new charger.\nSeverity 3, one user.\nOwner: Sam, available until 18:00.",
            "Reported issue: Teams calls drop. Verified the network and reinstalled Teams, same result. Impact: sales team of 12 users. Contact details: ext. 3300.",
            "User reports the app crashes when saving. Reimaged the laptop, no change. Blocking a payroll run due by tomorrow. Ping me on Slack.",
            "Problem: SSO login loop in Chrome. Cleared cookies and tested in Edge, still failing. Impact: all students in Lab 4. On-call: Priya.",
            "Error 500 on the booking site. Restarted the app pool; no change. P1: all customers affected. Contact the on-call engineer.",
        ],
    );
}

#[test]
fn change_incomplete() {
    let rule = "change-incomplete";
    let doc = Document::parse(
        "We are upgrading the file server on Saturday 14 June.",
        InputFormat::Text,
    );
    let d = engine().check(&doc, Change, EndUser);
    let m = &d.iter().find(|d| d.rule == rule).unwrap().message;
    assert!(
        m.contains("the impact on users") && m.contains("a rollback plan") && m.contains("a contact"),
        "{m}"
    );
    assert!(!m.contains("what changes") && !m.contains("when"), "{m}");
    fires_all(
        rule,
        Change,
        EndUser,
        &[
            "We are upgrading the file server on Saturday 14 June.",
            "Planned maintenance: the VPN gateway will be replaced. Contact the service desk with questions.",
            "On Friday at 22:00 we will patch the mail servers. Email will be unavailable for an hour.",
            "Maintenance window: Sunday 02:00-04:00 UTC. Rollback plan: restore the snapshot.",
            "Heads up: we are changing things soon.",
        ],
    );
    quiet_all(
        rule,
        Change,
        EndUser,
        &[
            "We are upgrading the file server on Saturday 14 June from 08:00 to 10:00. Shared drives will be unavailable during the upgrade. If it fails, we will roll back to Friday's snapshot. Questions: contact the service desk on ext. 4000.",
            "What is changing: the Wi-Fi controller firmware.\nWhen: Tuesday 21:00-23:00.\nImpact: Wi-Fi will drop for about 5 minutes.\nRollback: revert to the previous firmware.\nContact: network team, ext. 5000.",
            "We will migrate mailboxes on Sunday 3 March at 06:00. No downtime is expected. Back-out plan: point the MX record back. Reply to this email with questions.",
            "Summary: patching the HR database.\nSchedule: 2026-05-02 20:00 UTC.\nUser impact: HR portal will be read-only for 30 minutes.\nRollback plan: restore from backup.\nSupport: service desk.",
            "Tonight at 23:00 we will reboot the print servers. Printing will be unavailable for 15 minutes. If anything goes wrong we will fall back to the old server. Call the help desk if you need help.",
            "Change: replace the core switch in building A on Saturday at 07:00. Staff in building A will lose network access for an hour. Revert: reinstall the old switch. Questions? Let us know.",
            "We're moving the intranet to a new host on Thursday 9 May, 18:00-19:00. You don't need to do anything. Fallback: DNS back to the old host. Contact: web team.",
            "Upgrading VPN software on Wed 12 June 21:00. Users will be disconnected briefly. Rollback: previous version kept. Email the service desk with questions.",
            "Installing security updates on all laptops on Monday. Laptops will be restarted once at 12:30. If the update fails, we will roll back automatically. Contact IT with questions.",
            "Decommissioning the old file share on 30 September. Files there will be unavailable; they were moved to the new share. Restore from backup is possible for 90 days. Questions: service desk.",
        ],
    );
}

#[test]
fn kb_structure() {
    let rule = "kb-structure";
    let filler = " The client keeps a copy of the profile on the laptop, and the copy is replaced when you add the portal again, so nothing else on the laptop changes and no files are lost in the process.";
    let positives = [
        format!("# VPN problems\n\nThe VPN sometimes needs its profile added again after an update.{filler}{filler}"),
        format!(
            "# Printers\n\nSymptoms: the printer shows an error.\n\nSelect Start.\nSelect Settings.\nSelect Printers.{filler}{filler}"
        ),
        format!("# Mail\n\nApplies to: Outlook on Windows 11.\n\nResolution: add the account again.{filler}{filler}"),
        format!("# Teams\n\nIf you see a blank window in Teams, clear the cache.{filler}{filler}"),
        format!("# Wi-Fi\n\nThis article explains how to join the staff Wi-Fi.{filler}{filler}"),
    ];
    for text in &positives {
        assert!(fires_md(text, Kb, EndUser, rule), "should fire: {text}");
    }
    let negatives = [
        format!(
            "# VPN fails after an update\n\n## Symptoms\n\nThe VPN says \"gateway not found\".\n\n## Applies to\n\nStaff laptops with GlobalProtect on Windows 11.\n\n## Resolution\n\n1. Open GlobalProtect.\n2. Select Settings, then Remove profile.\n3. Add the portal again.\n{filler}"
        ),
        format!(
            "---\ntitle: Join the Wi-Fi\nappliesto:\n  - Windows 11\n---\n\n# Join the staff Wi-Fi\n\nThis article explains how to join the staff Wi-Fi.\n\n1. Open Settings.\n2. Select Wi-Fi.\n{filler}{filler}"
        ),
        format!(
            "# Reset your password\n\nIf you can't sign in, reset your password. You need a registered phone.\n\n1. Open the reset page.\n2. Enter your user name.\n3. Follow the prompts.\n{filler}"
        ),
        format!(
            "# Outlook is slow\n\n**Symptoms**: Outlook takes minutes to open.\n\n**Environment**: Outlook 2021 on Windows 10.\n\n**Workaround**: turn off add-ins.\n{filler}{filler}"
        ),
        format!(
            "Symptoms:\nThe app crashes on start.\n\nApplies to:\nStaff iPhones.\n\nSteps:\n1. Delete the app.\n2. Install it again.\n{filler}"
        ),
        "# Short page\n\nSee the other article.".to_string(),
        format!(
            "# Printing on a Mac\n\nThis guide shows how to add a printer on macOS 14.\n\n1. Open System Settings.\n2. Select Printers.\n3. Add the printer.\n{filler}"
        ),
        format!(
            "# Error 0x80070005\n\n## Cause\n\nThe folder is read-only.\n\n## Prerequisites\n\nAdministrator rights.\n\n## Solution\n\n1. Right-click the folder.\n2. Select Properties.\n{filler}"
        ),
        format!(
            "# About this service\n\n## Overview\n\nThe portal lists your devices.\n\n## Who this is for\n\nAll students.\n\n## How to\n\n1. Sign in.\n2. Select Devices.\n{filler}"
        ),
        format!(
            "# VPN\n\n## Issue\n\nThe VPN drops.\n\n## Environment\n\nLinux laptops.\n\n## Fix\n\n1. Update the client.\n2. Restart.\n{filler}"
        ),
    ];
    for text in &negatives {
        assert!(!fires_md(text, Kb, EndUser, rule), "should not fire: {text}");
    }
    assert!(!fires_md(&positives[0], Reply, EndUser, rule));
}

// ---------------------------------------------------------------------------------------------
// Safety

#[test]
fn template_placeholder() {
    let rule = "template-placeholder";
    flags_all(
        rule,
        Reply,
        EndUser,
        &[
            ("Hi [Customer Name], your laptop is ready.", "[Customer Name]"),
            (
                "Hi {{ticket.requester.first_name}}, thanks.",
                "{{ticket.requester.first_name}}",
            ),
            ("We will restore service by TBD.", "TBD"),
            ("Hi ,\n\nYour laptop is ready.", "Hi ,"),
            ("Your ticket INC0000000 is resolved.", "INC0000000"),
            ("Dear %FIRSTNAME%, your request is approved.", "%FIRSTNAME%"),
            ("Next update at [NEXT UPDATE TIME].", "[NEXT UPDATE TIME]"),
            (
                "Hello ${caller_id.first_name}, the fix is in.",
                "${caller_id.first_name}",
            ),
            ("TODO: add the link here.", "TODO"),
            ("The form is due on XXX.", "XXX"),
            // A keyword need not be a whole word ("xxx" inside "XXXXXX", "000000" inside a number).
            ("Please sign by XXXXXX.", "XXXXXX"),
            ("Your change CHG00000000 was approved.", "CHG00000000"),
        ],
    );
    // In Markdown the unfilled field is hidden markup: the greeting's keyword (" ,") is only
    // in the masked prose, where the field is spaces.
    for md in [
        "Hi <FirstName>,\n\nYour laptop is ready.\n",
        "Hi <!-- name -->,\n\nYour laptop is ready.\n",
    ] {
        assert!(fires_md(md, Reply, EndUser, rule), "{md:?}");
    }
    for md in [
        "Hi <b>Priya</b>,\n\nYour laptop is ready.\n",
        "Hi Priya,\n\nYour laptop is <b>ready</b> , now.\n",
    ] {
        assert!(!fires_md(md, Reply, EndUser, rule), "{md:?}");
    }
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "Hi Priya, your laptop will be ready on Thursday.",
            "Open %USERPROFILE%\\Downloads and delete the file.",
            "Your card ending in XXXX-1234 was charged.",
            "Hello,\n\nYour laptop is ready.",
            "Your ticket INC0012345 is resolved.",
            "See the guide [here](https://example.com/guide).",
            "The error code is 0xFFFF.",
            "I have checked [the two items] you listed.",
            "Type {{ and then the field name in the template editor.",
            "We will restore service by 15:00.",
        ],
    );
}

#[test]
fn secret_in_text() {
    let rule = "secret-in-text";
    flags_all(
        rule,
        Reply,
        EndUser,
        &[
            (
                "Your temporary password is Blue-Harbor-42, please change it.",
                "Blue-Harbor-42",
            ),
            ("The key is AKIAQWERTYUIOPASDFGH in the config.", "AKIAQWERTYUIOPASDFGH"),
            (
                "Use token ghp_abcdefghijklmnopqrstuvwxyz0123456789 for the API.",
                "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            ),
            (
                "Set api_key = \"9fK2xLq8Zt4Rv7Wm1Yb3Nc6Hd0Js5Pg\" in the file.",
                "9fK2xLq8Zt4Rv7Wm1Yb3Nc6Hd0Js5Pg",
            ),
            (
                "Your BitLocker recovery key: 123456-234567-345678-456789-567890-678901-789012-890123",
                "123456-234567-345678-456789-567890-678901-789012-890123",
            ),
            (
                "Connect with https://admin:Sup3rS3cret@db.example.com/prod",
                "admin:Sup3rS3cret",
            ),
            // At the start of a line, with no space before "PIN" (missed while the keyword
            // was " pin").
            ("PIN: 48291375", "48291375"),
        ],
    );
    // Code blocks are checked too.
    let md = "Run this:\n\n```\nexport AWS_ACCESS_KEY_ID=AKIAQWERTYUIOPASDFGH\n```\n";
    let doc = Document::parse(md, InputFormat::Markdown);
    assert!(engine().check(&doc, Kb, EndUser).iter().any(|d| d.rule == rule));
    clean_all(
        rule,
        Reply,
        EndUser,
        &[
            "Your password is expired: please reset it.",
            "The password is case-sensitive.",
            "Your new password must be at least 12 characters.",
            "Use the key AKIAIOSFODNN7EXAMPLE from the AWS docs.",
            "Set api_key = \"YOUR_API_KEY\" in the file.",
            "The token expired at 10:00.",
            "Connect to https://user:password@host.example.com/db with your own details.",
            "Call 123-456-7890 for help.",
            "The secret is to restart twice.",
            "Reset your password at the self-service portal.",
        ],
    );
}

#[test]
fn secrets_are_masked_in_every_output() {
    use assert_cmd::Command;
    let input = "Hi Sam,\n\nYour temporary password is Blue-Harbor-42, please change it. Does that work?\n";
    let json = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["check", "--format", "json", "--fail-on", "never", "-"])
        .write_stdin(input)
        .output()
        .unwrap()
        .stdout;
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let f = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-in-text")
        .expect("a secret finding");
    let start = input.find("Blue-Harbor-42").unwrap();
    assert_eq!(f["span"]["start"], start);
    assert_eq!(f["span"]["end"], start + "Blue-Harbor-42".len());
    assert_eq!(f["text"], "Blu…");
    assert_eq!(f["severity"], "error");
    let whole = String::from_utf8(json).unwrap();
    assert!(!whole.contains("Harbor"), "{whole}");
    let human = Command::cargo_bin("ticketlint")
        .unwrap()
        .args(["check", "--color", "never", "--fail-on", "never", "-"])
        .write_stdin(input)
        .output()
        .unwrap()
        .stdout;
    let human = String::from_utf8(human).unwrap();
    assert!(!human.contains("Harbor"), "{human}");
    assert!(
        human.contains("Your temporary password is Blu***********, please change it."),
        "{human}"
    );
}
