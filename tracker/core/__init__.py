"""What every area stands on (基础): the clock, database helpers, the working-day calendar, the page
cache and its data generations, e-mail address rules. Nothing here imports an area of the domain."""
