# What differs from run to run in setkey output: process ids and times.
s/spid=[0-9][0-9]*/spid=N/g
s/pid=[0-9][0-9]*/pid=PID/g
s/[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [0-9][0-9][0-9][0-9]/TIME/g
s/diff: [0-9][0-9]*(s)/diff: N(s)/g
