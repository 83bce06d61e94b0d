from django.urls import path

from bookings.account import views as account_views
from bookings.booking import course_pages, manage, recheck_page
from bookings.booking import views as booking_views
from bookings.intake.views import intake, intake_check, intake_result
from bookings.payments import views as payment_views
from bookings.records import home_care
from bookings.records import views as records_views
from bookings.waitlist import views as waitlist_views

app_name = "bookings"

urlpatterns = [
    path("find-your-massage/", intake, name="intake"),
    path("find-your-massage/result/", intake_result, name="intake_result"),
    path("find-your-massage/check/", intake_check, name="intake_check"),
    # Booking a session
    path("book/<slug:slug>/", booking_views.book, name="book"),
    path("book/<slug:slug>/screen/", booking_views.book_screen, name="book_screen"),
    path("book/<slug:slug>/confirm/", booking_views.book_submit, name="book_submit"),
    path("book/<slug:slug>/waitlist/", waitlist_views.waitlist_join, name="waitlist_join"),
    path("waitlist/<str:token>/", waitlist_views.waitlist_entry, name="waitlist_entry"),
    path("waitlist/<str:token>/leave/", waitlist_views.waitlist_leave, name="waitlist_leave"),
    path("waitlist/offer/<str:token>/", waitlist_views.waitlist_offer, name="waitlist_offer"),
    path("booking/<str:token>/", manage.booking_detail, name="booking_detail"),
    path(
        "booking/<str:token>/calendar.ics",
        manage.booking_calendar,
        name="booking_calendar",
    ),
    path("manage/<str:token>/", manage.manage, name="manage"),
    path("manage/<str:token>/cancel/", manage.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/home-care/", home_care.home_care, name="home_care"),
    path("manage/<str:token>/reschedule/", manage.manage_reschedule, name="manage_reschedule"),
    # Courses of care: the client's side (bookings/booking/course_pages.py, recheck_page.py)
    path("manage/<str:token>/course/", course_pages.manage_course, name="manage_course"),
    path(
        "manage/<str:token>/cancel-sessions/",
        manage.manage_course_cancel,
        name="manage_course_cancel",
    ),
    path(
        "manage/<str:token>/safety-check/",
        recheck_page.manage_recheck,
        name="manage_recheck",
    ),
    path("how-is-your-back/<str:token>/", records_views.outcome, name="outcome"),
    path(
        "how-is-your-back/<str:token>/activities/",
        records_views.outcome_activities,
        name="outcome_activities",
    ),
    path("confirm-email/<str:token>/", records_views.confirm_email, name="confirm_email"),
    path("calendar/<str:token>.ics", manage.calendar_feed, name="calendar_feed"),
    # My bookings: the client's own account, signed in by a link sent to their email
    path("my-bookings/", account_views.account, name="account"),
    path("my-bookings/sign-in/", account_views.sign_in, name="account_sign_in"),
    path("my-bookings/sign-in/sent/", account_views.sign_in_sent, name="account_sign_in_sent"),
    path(
        "my-bookings/sign-in/<str:token>/",
        account_views.sign_in_link,
        name="account_sign_in_link",
    ),
    path("my-bookings/sign-out/", account_views.sign_out, name="account_sign_out"),
    path("my-bookings/who-looked/", account_views.who_looked, name="account_who_looked"),
    path("my-bookings/my-record.json", account_views.download, name="account_download"),
    path("my-bookings/<str:reference>/", account_views.booking, name="account_booking"),
    path(
        "my-bookings/<str:reference>/receipt/",
        account_views.receipt,
        name="account_receipt",
    ),
    path(
        "my-bookings/<str:reference>/course/",
        account_views.book_as_course,
        name="account_book_as_course",
    ),
    path(
        "my-bookings/<str:reference>/again/",
        account_views.book_again,
        name="account_book_again",
    ),
    # Payments (bookings/payments)
    path("pay/<str:token>/", payment_views.payment_page, name="payment_page"),
    path("pay/<str:token>/done/", payment_views.payment_return, name="payment_return"),
    path("pay/<str:token>/receipt/", payment_views.receipt, name="payment_receipt"),
    path("payments/stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    path("desk/payments/<int:pk>/fee/", payment_views.desk_fee, name="desk_fee"),
    path("desk/payments/<int:pk>/refund/", payment_views.desk_refund, name="desk_refund"),
    path("desk/payments/<int:pk>/link/", payment_views.desk_payment_link, name="desk_payment_link"),
]
