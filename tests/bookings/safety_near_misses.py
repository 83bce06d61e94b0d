"""Ordinary descriptions that use a warning sign's words in another sense, for the case
table (test_safety_cases.py): none describes a warning sign today, so at most one in ten
may get a question about the client's words.

The classes from issue 22: a "fall" that is not a fall, a relative's illness, a room's
temperature, tingling somewhere else, a past problem long treated; and the like: sport
and gym words, figures of speech, denials in passing.
"""

NEAR_MISSES: list[str] = [
    # A fall that is not a fall.
    "I fell asleep on the sofa and woke up with a stiff neck.",
    "I fell asleep on the train and my lower back has ached since.",
    "Fell behind at work so I've been at my desk twelve hours a day.",
    "Since the fall of last year my back has been stiff in the mornings, it's the cold.",
    "I fell in love with climbing this year and my shoulders are always tight.",
    "We fell out over the holiday and the stress went straight to my shoulders.",
    "My plans fell through so I finally have time for a massage.",
    "The leaves fall and my hay fever goes, but my back stays tight.",
    # Someone else's illness.
    "My mum had breast cancer, so I worry, but my back is just tight from lifting her.",
    "My dad had a fall last month and I've been helping him, lots of lifting.",
    "My daughter has a fever so I've been up with her, back is stiff from the chair.",
    "My husband had a heart attack last year; my back is stiff from worry and bad sleep.",
    "I look after my grandad who is incontinent and the lifting hurts my back.",
    "My sister's sciatica is awful, mine is just a tight lower back.",
    "My son wet the bed again so I was up all night changing sheets, back is sore.",
    "My toddler never stops moving and I carry her everywhere.",
    "My friend had chemo and recommended massage for relaxation, my neck is tight.",
    # A room's temperature, the weather.
    "The temperature in the office is freezing and I hunch all day.",
    "The room temperature at work is too low, I end up tense and stiff.",
    "Cold weather makes my back stiff, the temperature outside dropped this week.",
    "I swim in the lido and the water temperature makes my shoulders tense.",
    "It sends shivers down my spine when someone presses the knot, in a good way.",
    "I get chills down my back when I'm nervous before presentations.",
    # Tingling or numbness somewhere else.
    "Tingling in my fingers when I type for too long, and a stiff neck.",
    "Pins and needles in my hands at night from sleeping on my arms.",
    "My lips tingle when I'm anxious, and my shoulders are tense.",
    "Numb fingertips in the cold, and a tight upper back.",
    "My arm goes numb when I sleep on it; my neck is stiff.",
    "My face feels tight from clenching my jaw, and my neck aches.",
    # A past problem long treated.
    "I had sciatica years ago, fully recovered, now just general tightness.",
    "Slipped disc years ago, physio sorted it, just stiff now.",
    "I broke my ankle as a child and I think I walk a bit lopsided.",
    "Had a kidney infection years ago, all cleared up; this is muscle ache.",
    "Whiplash as a teenager, no problems since, but my neck gets tight at work.",
    "Had a fever last year with covid, fully recovered, back just stiff now.",
    # Sport, gym, work.
    "Chest press at the gym yesterday and my upper back is sore between the shoulders.",
    "Did chest and back day, now my rhomboids are tight.",
    "Weight training three times a week, my lower back gets tight after deadlifts.",
    "I've been trying to lose weight with a new running plan and my back is tired.",
    "Deadlifts and squats, heavy weights, I need my glutes loosened.",
    "I carried a heavy rucksack on a hiking trip and my shoulders are still aching.",
    "Trail running, lots of uphill, my calves and lower back are tight.",
    "Rugby tackles all season and my neck is stiff.",
    "I'm a nurse and lift patients all day, my back aches by Friday.",
    "Kayaking holiday last week, upper back and shoulders are tight now.",
    # Figures of speech and passing denials.
    "I'm numb to the pain of deadlines by now but my shoulders are like rocks.",
    "Work is killing me, my back is a wreck by the evening.",
    "My back feels broken after moving furniture, not literally.",
    "Sitting in meetings all day, my bum goes to sleep but it's my back that hurts.",
    "The stress is crushing me, shoulders up by my ears all day.",
    "I'm losing my mind with this stiff neck.",
    "Back pain wakes me up? No, I sleep fine, it's the mornings.",
    "No accidents, no falls, it just crept up over months.",
    "I haven't lost any weight, I haven't had a fever, just stiff.",
    "Not numb anywhere, not weak, just sore.",
    "Nothing serious, a niggle after gardening, no pins and needles.",
    "My GP ruled out anything serious, it's muscular.",
    "The physio said no nerve involvement, just tight muscles.",
    "Sat on a bike saddle for hours at the weekend and my lower back is stiff.",
    "I wear sweats to the gym and my back is tight after rowing.",
    "My office chair broke and I've been sitting on a stool, my back hurts.",
    "I crashed on the sofa after work every night this week, back is stiff.",
    "Saddle sore after a long horse ride, and my lower back aches.",
    "I'm on my feet all day at the hospital and my lower back throbs by evening.",
    "Hot and cold packs help a bit but the tightness keeps coming back.",
    "My heart sank when my back twinged again, but it's the usual tightness.",
]
