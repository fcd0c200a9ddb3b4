namespace FluidManager.Knowledge.Harness;

/// <summary>
/// A small labelled set for comparing embedding models: 30 short company documents, and for each a question
/// asked the way a colleague would, in other words than the document's.
/// </summary>
internal static class LabelledQuestions
{
    public static IReadOnlyList<(string Title, string Text, string Question)> Items { get; } =
    [
        ("Expenses", "Travel costs are reimbursed within ten working days once the claim and receipts are filed.", "How long until I get my money back for a business trip?"),
        ("Parking", "Visitors leave their cars in the north garage; guest badges are collected at reception.", "Where should a guest put their vehicle?"),
        ("Holidays", "The office is closed between Christmas and New Year; the days are not taken from annual leave.", "Do we work over the winter break?"),
        ("Passwords", "Credentials must be rotated every ninety days and may never be shared with colleagues.", "How often do I need to change my login secret?"),
        ("Payroll", "Salaries are paid on the last business day of each month by bank transfer.", "When does my wage arrive?"),
        ("Quarterly results", "Turnover in the third quarter climbed eleven percent, driven by enterprise renewals.", "How did revenue develop from July to September?"),
        ("Onboarding", "New hires receive a laptop, an access card and a mentor during their first week.", "What does a newcomer get when they join?"),
        ("Remote work", "Staff may work from home up to three days a week with their manager's agreement.", "Can I do my job from my flat?"),
        ("Sick leave", "Absence through illness must be reported to your lead before nine in the morning.", "Who do I tell if I'm unwell and can't come in?"),
        ("Security incidents", "Suspected breaches are escalated to the on-call security engineer through the pager.", "What happens if I think we've been hacked?"),
        ("Deploys", "Production releases go out on Tuesdays and Thursdays after the canary passes.", "Which days do we ship code to customers?"),
        ("Coffee machine", "The espresso maker on the fourth floor is descaled every Friday afternoon by facilities.", "Who cleans the kitchen appliance that brews drinks?"),
        ("Customer refunds", "Clients may return a purchase within thirty days for a full reimbursement.", "Until when can a buyer get their payment back?"),
        ("Pricing", "The enterprise plan costs forty dollars per seat per month, billed annually.", "How much do large customers pay per user?"),
        ("Hiring", "Every candidate meets two engineers and a manager before an offer is made.", "What is the interview process for applicants?"),
        ("Performance reviews", "Appraisals take place twice a year, in March and in September.", "When are we evaluated on how well we did?"),
        ("Fire safety", "In case of alarm, leave by the stairs and gather at the assembly point in the car park.", "What do we do when the building must be evacuated?"),
        ("Printing", "Printers are on every floor; jobs are released by tapping your access card.", "How do I get a paper copy of a document?"),
        ("Budget approval", "Spending above five thousand euros needs sign-off from the finance director.", "Who must approve a large purchase?"),
        ("Data retention", "Customer records are deleted seven years after the contract ends.", "How long do we keep information about clients?"),
        ("Office plants", "Greenery in the lobby is watered by an external gardener on Mondays.", "Who looks after the flowers at the entrance?"),
        ("Training budget", "Each employee may spend up to one thousand euros a year on courses and conferences.", "Is there money for learning and events?"),
        ("Bike storage", "Bicycles can be locked in the basement rack; showers are next to the gym.", "Where can I leave my cycle when I ride to work?"),
        ("Meeting rooms", "Conference spaces are booked through the calendar; unused bookings are released after fifteen minutes.", "How do I reserve somewhere to hold a call with the team?"),
        ("Laptop replacement", "Computers are replaced every three years or sooner if broken beyond repair.", "When do I get a new notebook?"),
        ("Lunch", "The canteen serves hot meals from noon until two, with a vegetarian option daily.", "What time can I eat in the cafeteria?"),
        ("Overtime", "Extra hours are compensated with time off, agreed in advance with your lead.", "What do I get for staying late?"),
        ("Expense cards", "Corporate credit cards are issued to sales staff who travel more than twice a month.", "Who gets a company payment card?"),
        ("Code review", "Every change needs approval from one maintainer before it is merged.", "Can I land a pull request without anyone checking it?"),
        ("Parental leave", "New parents receive sixteen weeks of fully paid time off after a birth or adoption.", "How much time off do I get when my baby arrives?"),
    ];
}
