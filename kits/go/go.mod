module queueadapter

go 1.19
