/** Reports: certification and attack results joined per checkpoint, alarms, GetReport/WatchReports. */
package io.robustcert.certifier.report;
